/// `<input>`.
public struct InputDevice: Sendable, Equatable {
    public enum InputType: String, Sendable, Equatable, CaseIterable { case mouse, keyboard, tablet, passthrough, evdev }
    public enum Bus: String, Sendable, Equatable, CaseIterable { case ps2, usb, virtio, xen, parallels, none }
    public var type: InputType
    public var bus: Bus?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(type: InputType, bus: Bus? = nil) {
        self.type = type
        self.bus = bus
    }
}

/// `<graphics>`; only VNC is supported.
public struct Graphics: Sendable, Equatable {
    public enum GraphicsType: String, Sendable, Equatable, CaseIterable { case vnc }
    public var type: GraphicsType = .vnc
    /// -1 with autoport.
    public var port: Int?
    public var autoport: Bool?
    public var websocket: Int?
    /// Listen address (`listen=` attribute and `<listen type='address'>`, which must agree).
    public var listenAddress: String?
    public var sourceLine = SourceLine()
    public init(port: Int? = nil, autoport: Bool? = nil, websocket: Int? = nil, listenAddress: String? = nil) {
        self.port = port
        self.autoport = autoport
        self.websocket = websocket
        self.listenAddress = listenAddress
    }
}

/// `<video>`.
public struct VideoDevice: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable { case vga, cirrus, virtio, bochs, qxl, none }
    public var model: Model
    /// KiB.
    public var vram: Int?
    public var heads: Int?
    public var primary: Bool?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(model: Model, vram: Int? = nil, heads: Int? = nil, primary: Bool? = nil) {
        self.model = model
        self.vram = vram
        self.heads = heads
        self.primary = primary
    }
}

/// `<sound>`.
public struct SoundDevice: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable { case ich6, ich9, ac97, es1370, sb16, usb }
    public var model: Model
    /// `<audio id=...>`: which `<audio>` backend it plays through.
    public var audioID: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(model: Model, audioID: Int? = nil) {
        self.model = model
        self.audioID = audioID
    }
}

/// `<audio>` backend under `<devices>`.
public struct AudioBackend: Sendable, Equatable {
    public enum BackendType: String, Sendable, Equatable, CaseIterable {
        case none, alsa, pulseaudio, sdl, spice, oss, file, dbus, jack, pipewire
    }
    public var id: Int
    public var type: BackendType
    public var sourceLine = SourceLine()
    public init(id: Int, type: BackendType) {
        self.id = id
        self.type = type
    }
}

/// `<memballoon>`.
public struct MemoryBalloon: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable {
        case virtio, none
        case virtioTransitional = "virtio-transitional"
        case virtioNonTransitional = "virtio-non-transitional"
    }
    public var model: Model
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(model: Model) { self.model = model }
}

/// `<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>`.
public struct RNGDevice: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable { case virtio }
    public enum BackendModel: String, Sendable, Equatable, CaseIterable { case random }
    public var model: Model = .virtio
    public var backendModel: BackendModel = .random
    /// Host entropy source; nil leaves QEMU's default.
    public var backendPath: String?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(backendPath: String? = "/dev/urandom") { self.backendPath = backendPath }
}

/// `<watchdog>`.
public struct WatchdogDevice: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable { case i6300esb, ib700, diag288, itco }
    public enum Action: String, Sendable, Equatable, CaseIterable {
        case reset, shutdown, poweroff, pause, none, dump
        case injectNMI = "inject-nmi"
    }
    public var model: Model
    public var action: Action?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(model: Model, action: Action? = nil) {
        self.model = model
        self.action = action
    }
}

/// `<panic>`.
public struct PanicDevice: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable { case isa, pvpanic, hyperv }
    public var model: Model?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(model: Model? = nil) { self.model = model }
}

/// `<hub type='usb'>`.
public struct HubDevice: Sendable, Equatable {
    public enum HubType: String, Sendable, Equatable, CaseIterable { case usb }
    public var type: HubType = .usb
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init() {}
}
