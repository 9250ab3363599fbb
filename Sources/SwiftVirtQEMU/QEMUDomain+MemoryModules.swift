import SwiftVirtCore
import SwiftVirtSystem

extension QEMUDomain {
    /// Where QEMU placed each memory module (guest-physical base by alias), which libvirt shows in the live
    /// XML's `<address type='dimm' base=...>`; nil for a guest without modules.
    static func memoryModuleBases(_ definition: DomainDefinition, _ qmp: QMPClient) async throws -> [String: UInt64]? {
        guard definition.devices.generic.contains(where: { MemoryModule($0) != nil }) else { return nil }
        var bases: [String: UInt64] = [:]
        for module in try await qmp.execute("query-memory-devices").arrayValue ?? [] {
            let data = module["data"]
            guard let id = data?["id"]?.stringValue, let addr = data?["addr"]?.intValue else { continue }
            bases[id] = UInt64(bitPattern: addr)
        }
        return bases
    }
}
