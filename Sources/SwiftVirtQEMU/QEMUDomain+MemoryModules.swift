import SwiftVirtCore
import SwiftVirtSystem

extension QEMUDomain {
    /// What libvirt shows of QEMU's memory modules in the live XML: where each DIMM sits (guest-physical base by
    /// alias, `<address type='dimm' base=...>`) and what each virtio-mem device has plugged (`<current>`); nil
    /// for a guest without modules.
    static func memoryModuleFacts(_ definition: DomainDefinition, _ qmp: QMPClient) async throws
        -> (bases: [String: UInt64], sizes: [String: UInt64])?
    {
        guard definition.devices.generic.contains(where: { MemoryModule($0) != nil }) else { return nil }
        var facts: (bases: [String: UInt64], sizes: [String: UInt64]) = ([:], [:])
        for module in try await qmp.execute("query-memory-devices").arrayValue ?? [] {
            guard let data = module["data"], let id = data["id"]?.stringValue else { continue }
            if module["type"]?.stringValue == "virtio-mem" {
                facts.sizes[id] = data["size"]?.intValue.map { UInt64(bitPattern: $0) }
            } else if let addr = data["addr"]?.intValue {
                facts.bases[id] = UInt64(bitPattern: addr)
            }
        }
        return facts
    }

    /// MEMORY_DEVICE_SIZE_CHANGE: a virtio-mem device plugged or unplugged blocks.
    func memoryDeviceSizeChanged(_ event: QMPEvent) {
        guard let id = event.data["id"]?.stringValue, let size = event.data["size"]?.intValue else { return }
        runtime.memoryModuleSizes[id] = UInt64(bitPattern: size)
    }
}
