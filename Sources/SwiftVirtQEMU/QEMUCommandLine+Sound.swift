import SwiftVirtCore

/// `<audio>` backends and `<sound>` cards, as libvirt 9.0 builds them (qemuBuildAudioCommandLine,
/// qemuBuildSoundCommandLine).
extension ArgumentBuilder {
    /// QEMU's name of an audio backend type (libvirt's qemuAudioDriverTypeToString).
    static func qemuAudioDriver(_ type: AudioBackend.BackendType) -> String {
        switch type {
        case .pulseaudio: "pa"
        case .file: "wav"
        default: type.rawValue
        }
    }

    /// The backends QEMU gets: the definition's, or for sound cards without any (a definition that did not go
    /// through the defaults) a silent one, so QEMU never picks host audio by itself.
    var audioBackends: [AudioBackend] {
        def.devices.audios.isEmpty && !def.devices.sounds.isEmpty ? [AudioBackend(id: 1, type: .none)] : def.devices.audios
    }

    mutating func addAudio() throws {
        for audio in audioBackends {
            let what = "<audio id='\(audio.id)' type='\(audio.type.rawValue)'>"
            let driver = Self.qemuAudioDriver(audio.type)
            switch audio.type {
            case .dbus:
                // QEMU plays D-Bus audio only to a D-Bus display, which this driver does not run.
                throw QEMUCommandLineError.unsupported("\(what) is not supported by SwiftVirt's QEMU driver")
            case .spice:
                guard def.devices.graphics.contains(where: { $0.type == .spice }) else {
                    throw QEMUCommandLineError.unsupported("\(what): Spice audio is not supported without spice graphics")
                }
            default:
                break
            }
            guard ctx.features.audioDrivers.contains(driver) else {
                throw QEMUCommandLineError.unsupported("\(what): this QEMU has no '\(driver)' audio driver")
            }
            var opts = "id=audio\(audio.id),driver=\(driver)"
            if let period = audio.timerPeriod { opts += ",timer-period=\(period)" }
            if audio.type == .file, let path = audio.path { opts += ",path=\(qemuEscaped(path))" }
            add("-audiodev", opts)
        }
    }

    /// The `audiodev=` a sound card or codec plays through: its own `<audio id>`, else the first backend.
    private func audiodev(_ sound: SoundDevice) -> String {
        (sound.audioID ?? audioBackends.first?.id).map { ",audiodev=audio\($0)" } ?? ""
    }

    mutating func addSounds() throws {
        for (i, sound) in def.devices.sounds.enumerated() {
            let alias = sound.alias ?? "sound\(i)"
            let what = "<sound model='\(sound.model.rawValue)'>"
            let device: String
            switch sound.model {
            case .ich6: device = "intel-hda"
            case .ich9: device = "ich9-intel-hda"
            case .ac97: device = "AC97"
            case .es1370: device = "ES1370"
            case .sb16: device = "sb16"
            case .usb: device = "usb-audio"
            case .pcspk:
                // libvirt 9.0 asks for it with -soundhw, which QEMU 7.2 no longer has.
                throw QEMUCommandLineError.unsupported("\(what) is not supported by this QEMU (no -soundhw)")
            case .ich7:
                throw QEMUCommandLineError.unsupported("\(what): sound card model 'ich7' is not supported by qemu")
            }
            try requireDevice(device, what)
            var props = "\(device),id=\(alias)"
            if !sound.supportsCodecs { props += audiodev(sound) }
            switch sound.model {
            case .usb: props += try usbPlacement(sound.address, what: what)
            case .sb16: break  // ISA, at its fixed ports
            default: props += try pciPlacement(sound.address, what: what)
            }
            add("-device", props)
            guard sound.supportsCodecs else { continue }
            for (cad, codec) in (sound.codecs.isEmpty ? [.duplex] : sound.codecs).enumerated() {
                let codecDevice = "hda-\(codec.rawValue)"
                try requireDevice(codecDevice, "\(what) <codec type='\(codec.rawValue)'>")
                add("-device", "\(codecDevice),id=\(alias)-codec\(cad),bus=\(alias).0,cad=\(cad)" + audiodev(sound))
            }
        }
    }

    /// Refuses a device model this QEMU does not have (a module Debian ships separately, say).
    func requireDevice(_ name: String, _ what: String) throws {
        guard ctx.features.devices.contains(name) else {
            throw QEMUCommandLineError.unsupported("\(what): this QEMU has no '\(name)' device")
        }
    }
}
