/// `<sound>`: an emulated sound card, playing through an `<audio>` backend.
public struct SoundDevice: Sendable, Equatable {
    /// Every model libvirt 9.0 knows; `ich7` is refused by the QEMU driver at define, as libvirt refuses it, and
    /// `pcspk` at start (QEMU 7.2 has no `-soundhw`).
    public enum Model: String, Sendable, Equatable, CaseIterable { case sb16, es1370, pcspk, ac97, ich6, ich9, usb, ich7 }
    /// `<codec type>` of an HDA card (ich6, ich9): QEMU's hda-duplex, hda-micro, hda-output.
    public enum Codec: String, Sendable, Equatable, CaseIterable { case duplex, micro, output }
    public var model: Model
    /// In order; codec N is at HDA address (cad) N. An HDA card without any gets a duplex one in QEMU.
    public var codecs: [Codec] = []
    /// `<audio id=...>`: which `<audio>` backend it plays through; nil is the first.
    public var audioID: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(model: Model, audioID: Int? = nil) {
        self.model = model
        self.audioID = audioID
    }

    /// Whether the model takes `<codec>` children (libvirt's virDomainSoundModelSupportsCodecs).
    public var supportsCodecs: Bool { model == .ich6 || model == .ich9 }
}

/// `<audio>` backend under `<devices>`: how QEMU plays the guest's sound on the host.
public struct AudioBackend: Sendable, Equatable {
    /// libvirt 9.0's types. Which of them run is the driver's business (QEMU here has none, spice, file, and
    /// what its audio modules offer).
    public enum BackendType: String, Sendable, Equatable, CaseIterable {
        case none, alsa, coreaudio, jack, oss, pulseaudio, sdl, spice, file, dbus
    }
    public var id: Int
    public var type: BackendType
    /// `timerPeriod`, microseconds.
    public var timerPeriod: Int?
    /// type file: the WAV file written.
    public var path: String?
    public var sourceLine = SourceLine()
    public init(id: Int, type: BackendType) {
        self.id = id
        self.type = type
    }
}
