extension DomainDevices {
    /// Graphics, video and audio as libvirt 9.0's QEMU driver completes them on x86: a display gets a video
    /// card (cirrus, the driver's default model), the primary video comes first, video memory takes the model's
    /// default rounded up to a power of two, and an `<audio>` backend is added as
    /// qemuDomainDefSuggestDefaultAudioBackend chooses it (qemu.conf's defaults: no host audio).
    mutating func applyDisplayDefaults() {
        if !graphics.isEmpty, videos.isEmpty { videos.append(VideoDevice(model: .default)) }
        for i in graphics.indices { graphics[i].applyDefaults() }
        // The parser puts a primary='yes' video first; the first one is primary.
        if let p = videos.firstIndex(where: { $0.primary == true }), p != 0 { videos.insert(videos.remove(at: p), at: 0) }
        for i in videos.indices { videos[i].applyDefaults(first: i == 0) }
        if audios.isEmpty, let type = defaultAudioType { audios.append(AudioBackend(id: 1, type: type)) }
        // A TCP character device always says its protocol in libvirt's output.
        for i in redirdevs.indices where redirdevs[i].backend.type == .tcp && redirdevs[i].backend.tcpProtocol == nil {
            redirdevs[i].backend.tcpProtocol = .raw
        }
    }

    /// The backend libvirt adds when there is none: `none` without graphics or with VNC, SPICE's own with SPICE
    /// (the last display of those decides), nothing when the last is SDL (it would take the host's audio from
    /// QEMU_AUDIO_DRV, which a daemon does not have) or when only other displays are present.
    var defaultAudioType: AudioBackend.BackendType? {
        if graphics.isEmpty { return AudioBackend.BackendType.none }
        var type: AudioBackend.BackendType?
        for g in graphics {
            switch g.type {
            case .vnc: type = AudioBackend.BackendType.none
            case .spice: type = .spice
            case .sdl: type = nil
            case .rdp, .desktop, .eglHeadless, .dbus: continue
            }
        }
        return type
    }
}

extension VideoDevice {
    fileprivate mutating func applyDefaults(first: Bool) {
        if model == .default { model = .cirrus }
        if model == .none {
            // libvirt clears what it would have filled in for a 'none' primary video.
            if first { (vram, ram, vgamem, vram64, heads, primary) = (nil, nil, nil, nil, nil, nil) }
            return
        }
        let defaultRAM: Int? =
            switch model {
            case .vga, .cirrus, .bochs: 16384
            case .qxl: 65536
            case .virtio, .none, .default: nil
            }
        if model == .qxl, ram == nil || ram == 0 { ram = defaultRAM }
        if vram == nil || vram == 0 { vram = defaultRAM }
        ram = ram.map(Self.roundedUpToPowerOfTwo)
        vram = vram.map(Self.roundedUpToPowerOfTwo)
        if model == .qxl, vgamem == nil || vgamem == 0 { vgamem = 16384 }
        if vgamem == 0 { vgamem = nil }
        if vram64 == 0 { vram64 = nil }
        if heads == nil { heads = 1 }
        primary = first ? true : nil
    }

    static func roundedUpToPowerOfTwo(_ v: Int) -> Int {
        guard v > 1 else { return v }
        var p = 1
        while p < v { p <<= 1 }
        return p
    }
}
