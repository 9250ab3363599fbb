import SwiftVirtCore

/// `<graphics>`: `-vnc` and `-spice` as libvirt 9.0 builds them (qemuBuildGraphicsVNCCommandLine,
/// qemuBuildGraphicsSPICECommandLine), with qemu.conf's defaults: listen on 127.0.0.1, no passwords, no TLS.
extension ArgumentBuilder {
    /// libvirt's vnc_listen and spice_listen default.
    static let defaultListenAddress = "127.0.0.1"

    mutating func addGraphics() throws {
        if def.devices.graphics.filter({ $0.type == .spice }).count > 1 {
            throw QEMUCommandLineError.unsupported("more than one <graphics type='spice'>: QEMU runs one SPICE server")
        }
        for g in def.devices.graphics {
            if g.listens.count > 1 {
                throw QEMUCommandLineError.unsupported(
                    "<graphics type='\(g.type.rawValue)'>: QEMU does not support multiple listens for one graphics device.")
            }
            if g.listen?.type == .network {
                throw QEMUCommandLineError.unsupported(
                    "<graphics type='\(g.type.rawValue)'><listen type='network'> is not supported by SwiftVirt's QEMU driver")
            }
            switch g.type {
            case .vnc: try addVNC(g)
            case .spice: try addSpice(g)
            case .sdl, .eglHeadless, .dbus, .rdp, .desktop:
                // SDL draws on the host's X display, egl-headless renders on a host GPU, dbus exports to a D-Bus
                // peer: none of which a daemon has. (rdp and desktop are refused at define, as by libvirt.)
                throw QEMUCommandLineError.unsupported(
                    "<graphics type='\(g.type.rawValue)'> is not supported by SwiftVirt's QEMU driver")
            }
            if let keymap = g.keymap { add("-k", keymap) }
        }
    }

    private mutating func addVNC(_ g: Graphics) throws {
        var vnc: String
        switch g.listen?.type ?? .address {
        case .socket:
            vnc = "vnc=unix:" + qemuEscaped(g.listen?.socket ?? "\(ctx.channelDirectory)/vnc.sock")
        case .none:
            vnc = "none"
        case .address, .network:
            let listen = g.listenAddress ?? Self.defaultListenAddress
            let host = listen.contains(":") ? "[\(listen)]" : listen
            if g.autoport != false, g.port == nil || g.port == -1 {
                // QEMU searches displays 0...99 for a free port; the driver reads the result with query-vnc.
                vnc = "\(host):0,to=99"
            } else {
                vnc = "\(host):\(max(0, (g.port ?? 5900) - 5900))"
            }
            if let ws = g.websocket { vnc += ws == -1 ? ",websocket=on" : ",websocket=\(ws)" }
        }
        if let id = g.audioID ?? def.devices.audios.first?.id { vnc += ",audiodev=audio\(id)" }
        add("-vnc", vnc)
    }

    /// Whether a SPICE display needs a plain port and a TLS port allocated at start (qemuProcessSPICEAllocatePorts
    /// with TLS off, as in qemu.conf's default).
    static func spicePortsToAllocate(_ g: Graphics) -> (port: Bool, tls: Bool) {
        guard g.type == .spice, g.listen?.type == .address || g.listen?.type == .network else { return (false, false) }
        var port = g.port == -1
        var tls = g.tlsPort == -1
        if g.autoport == true {
            let modes = Array((g.spice?.channels ?? [:]).values) + [g.spice?.defaultMode ?? .any]
            if modes.contains(.secure) { tls = true }
            if modes.contains(.insecure) || g.spice?.defaultMode ?? .any == .any { port = true }
        }
        return (port, tls)
    }

    private mutating func addSpice(_ g: Graphics) throws {
        let what = "<graphics type='spice'>"
        guard ctx.features.spice else {
            throw QEMUCommandLineError.unsupported("\(what): this QEMU was built without SPICE")
        }
        let needs = Self.spicePortsToAllocate(g)
        if needs.tls {
            throw QEMUCommandLineError.unsupported(
                "\(what): Auto allocation of spice TLS port requested but spice TLS is disabled in qemu.conf")
        }
        var opts: [String] = []
        var insecure = false
        switch g.listen?.type ?? .none {
        case .socket:
            opts.append("unix,addr=" + qemuEscaped(g.listen?.socket ?? "\(ctx.channelDirectory)/spice.sock"))
            insecure = true
        case .address, .network:
            // As libvirt's domxml-to-native does, 5901 stands for a port that would be allocated at start.
            let port = needs.port ? ctx.spicePort ?? 5901 : g.port ?? 0
            if port > 0 {
                opts.append("port=\(port)")
                opts.append("addr=" + qemuEscaped(g.listenAddress ?? Self.defaultListenAddress))
                insecure = true
            }
        case .none:
            opts.append("port=0")  // QEMU wants a port or a TLS port; 0 listens nowhere
            insecure = true
        }
        let s = g.spice ?? SpiceOptions()
        switch s.mouse {
        case .server?: opts.append("agent-mouse=off")
        case .client?: opts.append("agent-mouse=on")
        case nil: break
        }
        opts.append("disable-ticketing=on")
        switch s.defaultMode {
        case .secure:
            throw QEMUCommandLineError.unsupported(
                "\(what): spice defaultMode secure requested in XML configuration, but TLS connection is not available")
        case .insecure:
            guard insecure else {
                throw QEMUCommandLineError.unsupported(
                    "\(what): spice defaultMode insecure requested in XML configuration, but plaintext connection "
                        + "is not available")
            }
            opts.append("plaintext-channel=default")
        case .any:
            break
        }
        for (name, mode) in s.explicitChannels {
            guard mode == .insecure else {
                throw QEMUCommandLineError.unsupported(
                    "\(what): spice secure channels set in XML configuration, but TLS connection is not available")
            }
            guard insecure else {
                throw QEMUCommandLineError.unsupported(
                    "\(what): spice insecure channels set in XML configuration, but plaintext connection is not "
                        + "available")
            }
            opts.append("plaintext-channel=\(name.rawValue)")
        }
        if let v = s.image { opts.append("image-compression=\(v.rawValue)") }
        if let v = s.jpeg { opts.append("jpeg-wan-compression=\(v.rawValue)") }
        if let v = s.zlib { opts.append("zlib-glz-wan-compression=\(v.rawValue)") }
        if let v = s.playbackCompression { opts.append("playback-compression=\(v ? "on" : "off")") }
        if let v = s.streaming { opts.append("streaming-video=\(v.rawValue)") }
        if s.copyPaste == false { opts.append("disable-copy-paste=on") }
        if s.fileTransfer == false { opts.append("disable-agent-file-xfer=on") }
        if let gl = s.gl, gl.enable {
            opts.append("gl=on")
            if let node = gl.renderNode { opts.append("rendernode=" + qemuEscaped(node)) }
        }
        opts.append("seamless-migration=on")
        add("-spice", opts.joined(separator: ","))
    }
}
