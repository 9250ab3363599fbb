import SwiftVirtCore

/// `<shmem>` of model ivshmem-plain, plugged into a running guest as libvirt 9.0 does it (qemuBuildShmemDevProps,
/// qemuBuildShmemBackendMemProps): a shared memory-backend-file on /dev/shm/NAME ("shmmem-" + alias) and the
/// ivshmem-plain device on it. The other models (ivshmem, ivshmem-doorbell with a server) are not driven here.
extension ArgumentBuilder {
    func shmemOptions(_ shmem: GenericDevice) throws -> [(option: String, value: String)] {
        let alias = shmem.alias ?? "shmem0"
        guard let name = shmem.attribute("name") else { throw QEMUCommandLineError.invalid("<shmem> has no name") }
        let model = shmem.xml.child("model")?.attribute("type") ?? "ivshmem"
        guard model == "ivshmem-plain", shmem.xml.child("server") == nil else {
            throw QEMUCommandLineError.unsupported("<shmem> of model '\(model)'")
        }
        let size = try Self.shmemSize(shmem.xml.child("size"))
        var device = "ivshmem-plain,id=\(alias),memdev=shmmem-\(alias)"
        switch shmem.attribute("role") {
        case "master": device += ",master=on"
        case "peer": device += ",master=off"
        default: break
        }
        device += try pciPlacement(shmem.address, what: "<shmem name='\(name)'>")
        let backend = "memory-backend-file,id=shmmem-\(alias),mem-path=\(qemuEscaped("/dev/shm/" + name)),size=\(size),share=on"
        return [("-object", backend), ("-device", device)]
    }

    /// `<size unit=...>`, in bytes (libvirt's scaled value, bytes by default); 4 MiB without one.
    static func shmemSize(_ size: KeptXML?) throws -> UInt64 {
        guard let size else { return 4 << 20 }
        let scales: [String: UInt64] = [
            "b": 1, "bytes": 1, "kb": 1000, "k": 1024, "kib": 1024, "mb": 1_000_000, "m": 1 << 20, "mib": 1 << 20,
            "gb": 1_000_000_000, "g": 1 << 30, "gib": 1 << 30, "tb": 1_000_000_000_000, "t": 1 << 40, "tib": 1 << 40,
        ]
        let unit = (size.attribute("unit") ?? "b").lowercased()
        guard let scale = scales[unit], let value = UInt64(size.text.trimmingWhitespace()) else {
            throw QEMUCommandLineError.invalid("<shmem> size '\(size.text)' with unit '\(unit)'")
        }
        let bytes = value * scale
        // libvirt's parser wants a power of two of at least 1 MiB.
        guard bytes >= 1 << 20, bytes & (bytes - 1) == 0 else {
            throw QEMUCommandLineError.invalid("shmem size must be a power of two")
        }
        return bytes
    }
}

extension KeptXML {
    func child(_ name: String) -> KeptXML? {
        for case .element(let e) in content where e.name == name { return e }
        return nil
    }
    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
    var text: String {
        content.map { if case .text(let t) = $0 { t } else { "" } }.joined()
    }
}
