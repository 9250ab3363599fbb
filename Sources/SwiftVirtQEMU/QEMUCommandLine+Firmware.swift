import SwiftVirtCore

/// `<loader>`, `<nvram>` and `<smm>` on the command line, as libvirt 9.0 puts them: a flash loader and its variable
/// store become `-blockdev` nodes named `libvirt-pflash0-*`/`libvirt-pflash1-*` ahead of `-machine`, which maps
/// them with `pflash0=`/`pflash1=`; a secure loader adds `-global driver=cfi.pflash01,property=secure,value=on`
/// after `-cpu`; a ROM loader is `-bios`.
extension ArgumentBuilder {
    private var pflash: (loader: String, readOnly: Bool, store: String?)? {
        guard let loader = def.os.loader, loader.type == .pflash, let path = loader.path else { return nil }
        return (path, loader.readonly == true, def.os.nvram?.path)
    }

    mutating func addPflashBlockdevs() throws {
        // The driver resolves `firmware=` into a loader before building the command line (FirmwareSelection).
        if let firmware = def.os.firmware {
            throw QEMUCommandLineError.invalid("<os firmware='\(firmware.rawValue)'> has not been resolved to a loader")
        }
        guard let pflash else { return }
        addPflash(0, file: pflash.loader, readOnly: pflash.readOnly)
        if let store = pflash.store { addPflash(1, file: store, readOnly: false) }
    }

    private mutating func addPflash(_ unit: Int, file: String, readOnly: Bool) {
        let node = "libvirt-pflash\(unit)"
        add("-blockdev", "driver=file,filename=\(qemuEscaped(file)),node-name=\(node)-storage,auto-read-only=on,discard=unmap")
        add("-blockdev", "node-name=\(node)-format,read-only=\(readOnly ? "on" : "off"),driver=raw,file=\(node)-storage")
    }

    /// `-machine` options after `vmport`: `smm=`.
    var smmMachineOptions: [String] { def.features.smm.map { ["smm=\($0.rawValue)"] } ?? [] }

    /// `-machine` options after the memory ones: the flash nodes.
    var pflashMachineOptions: [String] {
        guard let pflash else { return [] }
        return ["pflash0=libvirt-pflash0-format"] + (pflash.store == nil ? [] : ["pflash1=libvirt-pflash1-format"])
    }

    mutating func addDomainLoader() {
        guard let loader = def.os.loader else { return }
        switch loader.type {
        case .rom?: if let path = loader.path { add("-bios", path) }
        case .pflash?: if loader.secure == true { add("-global", "driver=cfi.pflash01,property=secure,value=on") }
        case nil: break
        }
    }
}
