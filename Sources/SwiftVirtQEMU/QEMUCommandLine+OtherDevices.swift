import SwiftVirtCore

/// Inputs, graphics, video, sound, watchdog, balloon, rng, panic, hubs.
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

    /// Sound cards need an audio backend; like libvirt, a domain without `<audio>` gets a silent one.
    var audioBackendIDs: [Int] {
        def.devices.audios.isEmpty && !def.devices.sounds.isEmpty ? [1] : def.devices.audios.map(\.id)
    }

    mutating func addAudio() {
        if def.devices.audios.isEmpty {
            if !def.devices.sounds.isEmpty { add("-audiodev", "id=audio1,driver=none") }
            return
        }
        for audio in def.devices.audios {
            add("-audiodev", "id=audio\(audio.id),driver=\(audio.type.rawValue)")
        }
    }

    mutating func addGraphics() {
        for g in def.devices.graphics {
            let listen = g.listenAddress ?? "127.0.0.1"
            let host = listen.contains(":") ? "[\(listen)]" : listen
            var vnc: String
            if g.autoport != false, g.port == nil || g.port == -1 {
                // QEMU searches displays 0...99 for a free port; the driver reads the result with query-vnc.
                vnc = "\(host):0,to=99"
            } else {
                vnc = "\(host):\(max(0, (g.port ?? 5900) - 5900))"
            }
            if let ws = g.websocket { vnc += ws == -1 ? ",websocket=on" : ",websocket=\(ws)" }
            if !def.devices.audios.isEmpty { vnc += ",audiodev=audio\(def.devices.audios[0].id)" }
            add("-vnc", vnc)
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
            case .cirrus: device = "cirrus-vga"
            case .virtio: device = primary ? "virtio-vga" : "virtio-gpu-pci"
            case .bochs: device = "bochs-display"
            case .qxl: device = primary ? "qxl-vga" : "qxl"
            }
            var options = "\(device),id=\(alias)"
            if let vram = video.vram, video.model == .vga { options += ",vgamem_mb=\(max(1, vram / 1024))" }
            if let vram = video.vram, video.model == .bochs { options += ",vgamem=\(vram)k" }
            if let heads = video.heads, video.model == .virtio || video.model == .qxl {
                options += ",max_outputs=\(heads)"
            }
            add("-device", options + (try pciPlacement(video.address, what: what)))
        }
    }

    mutating func addSounds() throws {
        let audio = audioBackendIDs.first.map { ",audiodev=audio\($0)" } ?? ""
        for (i, sound) in def.devices.sounds.enumerated() {
            let alias = sound.alias ?? "sound\(i)"
            let what = "<sound model='\(sound.model.rawValue)'>"
            let own = sound.audioID.map { ",audiodev=audio\($0)" } ?? audio
            switch sound.model {
            case .ich6, .ich9:
                let hda = sound.model == .ich6 ? "intel-hda" : "ich9-intel-hda"
                add("-device", "\(hda),id=\(alias)" + (try pciPlacement(sound.address, what: what)))
                add("-device", "hda-duplex,id=\(alias)-codec0,bus=\(alias).0,cad=0\(own)")
            case .ac97:
                add("-device", "AC97\(own),id=\(alias)" + (try pciPlacement(sound.address, what: what)))
            case .es1370:
                add("-device", "ES1370\(own),id=\(alias)" + (try pciPlacement(sound.address, what: what)))
            case .sb16:
                add("-device", "sb16\(own),id=\(alias)")
            case .usb:
                add("-device", "usb-audio\(own),id=\(alias)" + (try usbPlacement(sound.address, what: what)))
            }
        }
    }

    mutating func addWatchdog() throws {
        guard let w = def.devices.watchdog else { return }
        let alias = w.alias ?? "watchdog0"
        let what = "<watchdog model='\(w.model.rawValue)'>"
        switch w.model {
        case .i6300esb: add("-device", "i6300esb,id=\(alias)" + (try pciPlacement(w.address, what: what)))
        case .ib700: add("-device", "ib700,id=\(alias)")
        case .itco, .diag288: throw QEMUCommandLineError.unsupported("\(what) on x86_64 \(machine)")
        }
        switch w.action {
        case nil: break
        case .dump?: throw QEMUCommandLineError.unsupported("<watchdog action='dump'>")
        case .injectNMI?: add("-watchdog-action", "inject-nmi")
        case let action?: add("-watchdog-action", action.rawValue)
        }
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
            var object = "rng-random,id=obj\(alias)"
            if let path = rng.backendPath { object += ",filename=\(qemuEscaped(path))" }
            add("-object", object)
            add(
                "-device", "virtio-rng-pci,rng=obj\(alias),id=\(alias)" + (try pciPlacement(rng.address, what: "<rng>"))
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
