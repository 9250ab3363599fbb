import SwiftVirtCore

/// Inputs, video, watchdog, balloon, rng, panic, hubs.
extension ArgumentBuilder {
    mutating func addInputs() throws {
        for (i, input) in def.devices.inputs.enumerated() {
            let alias = input.alias ?? "input\(i)"
            let what = "<input type='\(input.type.rawValue)'>"
            if input.type == .passthrough || input.type == .evdev {
                // host input devices: kept with their <source>, not passed to the guest by this driver
                throw QEMUCommandLineError.unsupported(what)
            }
            switch input.bus ?? .ps2 {
            case .ps2:
                guard input.type != .tablet else { throw QEMUCommandLineError.unsupported("\(what) on ps2") }
                continue  // the i8042 controller of pc/q35 provides both
            case .usb:
                let kind = ["mouse": "usb-mouse", "keyboard": "usb-kbd", "tablet": "usb-tablet"][input.type.rawValue]
                add("-device", "\(kind ?? "usb-tablet"),id=\(alias)" + (try usbPlacement(input.address, what: what)))
            case .virtio:
                add(
                    "-device",
                    "virtio-\(input.type.rawValue)-pci,id=\(alias)" + (try pciPlacement(input.address, what: what)))
            case .xen, .parallels, .none:
                throw QEMUCommandLineError.unsupported("\(what) on bus '\(input.bus?.rawValue ?? "")'")
            }
        }
    }

    mutating func addVideos() throws {
        for (i, video) in def.devices.videos.enumerated() {
            let alias = video.alias ?? "video\(i)"
            let what = "<video model='\(video.model.rawValue)'>"
            let primary = i == 0
            let device: String
            switch video.model {
            case .none: continue
            case .vga: device = primary ? "VGA" : "secondary-vga"
            case .cirrus, .default: device = "cirrus-vga"
            case .virtio: device = primary ? "virtio-vga" : "virtio-gpu-pci"
            case .bochs: device = "bochs-display"
            case .qxl: device = primary ? "qxl-vga" : "qxl"
            }
            try requireDevice(device, what)
            var options = "\(device),id=\(alias)"
            if let heads = video.heads, video.model == .virtio || video.model == .qxl {
                options += ",max_outputs=\(heads)"
            }
            if video.model == .qxl {
                // libvirt's order and units: ram and vram in bytes, vram64 and vgamem in MiB.
                options += ",ram_size=\((video.ram ?? 65536) * 1024),vram_size=\((video.vram ?? 65536) * 1024)"
                options += ",vram64_size_mb=\((video.vram64 ?? 0) / 1024),vgamem_mb=\((video.vgamem ?? 16384) / 1024)"
            }
            if let vram = video.vram, video.model == .vga { options += ",vgamem_mb=\(max(1, vram / 1024))" }
            if let vram = video.vram, video.model == .bochs { options += ",vgamem=\(vram)k" }
            add("-device", options + (try pciPlacement(video.address, what: what)))
        }
    }

    mutating func addWatchdog() throws {
        guard let w = def.devices.watchdog else { return }
        let alias = w.alias ?? "watchdog0"
        let what = "<watchdog model='\(w.model.rawValue)'>"
        switch w.model {
        case .i6300esb:
            try requireDevice("i6300esb", what)
            add("-device", "i6300esb,id=\(alias)" + (try pciPlacement(w.address, what: what)))
        case .ib700:
            try requireDevice("ib700", what)
            add("-device", "ib700,id=\(alias)")
        case .diag288: throw QEMUCommandLineError.unsupported("\(what): diag288 model of watchdog is allowed for s390 and s390x only")
        }
        // QEMU has no 'dump': it pauses, and the driver dumps the guest and resumes it (see QEMUDomain+Watchdog).
        if let action = w.action { add("-watchdog-action", action == .dump ? "pause" : action.rawValue) }
    }

    mutating func addBalloon() throws {
        guard let balloon = def.devices.memballoon, balloon.model != .none else { return }
        let device: String
        switch balloon.model {
        case .virtio, .none: device = "virtio-balloon-pci"
        case .virtioTransitional: device = "virtio-balloon-pci-transitional"
        case .virtioNonTransitional: device = "virtio-balloon-pci-non-transitional"
        }
        add(
            "-device",
            "\(device),id=\(balloon.alias ?? "balloon0")" + (try pciPlacement(balloon.address, what: "<memballoon>")))
    }

    mutating func addRNGs() throws {
        for (i, rng) in def.devices.rngs.enumerated() {
            let alias = rng.alias ?? "rng\(i)"
            var object = "rng-\(rng.backendModel.rawValue),id=obj\(alias)"
            if let path = rng.backendPath { object += ",filename=\(qemuEscaped(path))" }
            add("-object", object)
            add(
                "-device",
                "virtio-rng-pci,rng=obj\(alias),id=\(alias)"
                    + (rng.rateBytes.map { ",max-bytes=\($0)" } ?? "") + (rng.ratePeriod.map { ",period=\($0)" } ?? "")
                    + (try pciPlacement(rng.address, what: "<rng>"))
            )
        }
    }

    mutating func addPanics() throws {
        for panic in def.devices.panics {
            switch panic.model ?? .isa {
            case .isa:
                let port = panic.address.flatMap { if case .isa(let a) = $0 { return a.iobase } else { return nil } }
                add("-device", "pvpanic,ioport=\(port ?? 0x505)")
            case .pvpanic:
                add(
                    "-device",
                    "pvpanic-pci,id=\(panic.alias ?? "panic0")" + (try pciPlacement(panic.address, what: "<panic>")))
            case .hyperv:
                throw QEMUCommandLineError.unsupported("<panic model='hyperv'>")
            }
        }
    }

    mutating func addHubs() throws {
        for (i, hub) in def.devices.hubs.enumerated() {
            add("-device", "usb-hub,id=\(hub.alias ?? "hub\(i)")" + (try usbPlacement(hub.address, what: "<hub>")))
        }
    }
}
