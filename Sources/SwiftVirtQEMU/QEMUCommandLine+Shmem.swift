import SwiftVirtCore

/// `<shmem>` of model ivshmem-plain, plugged into a running guest as libvirt 9.0 does it (qemuBuildShmemDevProps,
/// qemuBuildShmemBackendMemProps): a shared memory-backend-file on /dev/shm/NAME ("shmmem-" + alias) and the
/// ivshmem-plain device on it. The other models (ivshmem, ivshmem-doorbell with a server) are not driven here.
extension ArgumentBuilder {
    func shmemOptions(_ shmem: GenericDevice) throws -> [(option: String, value: String)] {
        let alias = shmem.alias ?? "shmem0"
        guard let name = shmem.attribute("name") else { throw QEMUCommandLineError.invalid("<shmem> has no name") }
        guard Self.isPlainSharedMemory(shmem) else {
            throw QEMUCommandLineError.unsupported("<shmem> of model '\(shmem.xml.child("model")?.value("type") ?? "ivshmem")'")
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

    /// The one model driven here: ivshmem-plain, without a doorbell server.
    static func isPlainSharedMemory(_ shmem: GenericDevice) -> Bool {
        shmem.xml.child("model")?.value("type") == "ivshmem-plain" && shmem.xml.child("server") == nil
    }

    /// `<size unit=...>`, in bytes (libvirt's scaled value, bytes by default); 4 MiB without one.
    static func shmemSize(_ size: KeptXML?) throws -> UInt64 {
        guard let size else { return 4 << 20 }
        let scales: [String: UInt64] = [
            "b": 1, "bytes": 1, "kb": 1000, "k": 1024, "kib": 1024, "mb": 1_000_000, "m": 1 << 20, "mib": 1 << 20,
            "gb": 1_000_000_000, "g": 1 << 30, "gib": 1 << 30, "tb": 1_000_000_000_000, "t": 1 << 40, "tib": 1 << 40,
        ]
        let unit = (size.value("unit") ?? "b").lowercased()
        guard let scale = scales[unit], let value = UInt64(size.text.trimmingWhitespace()) else {
            throw QEMUCommandLineError.invalid("<shmem> size '\(size.text)' with unit '\(unit)'")
        }
        let bytes = value * scale
        // libvirt's start wants a power of two of at least 1 MiB (qemuBuildShmemCommandLine).
        guard bytes & (bytes &- 1) == 0 else { throw QEMUCommandLineError.invalid("shmem size must be a power of two") }
        guard bytes >= 1 << 20 else {
            throw QEMUCommandLineError.invalid("shmem size must be at least 1 MiB (1024 KiB)")
        }
        return bytes
    }
}
