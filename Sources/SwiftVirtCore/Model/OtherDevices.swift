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

/// `<video>`.
public struct VideoDevice: Sendable, Equatable {
    /// `default` (or no type at all) is the driver's choice, replaced when defaults are applied.
    public enum Model: String, Sendable, Equatable, CaseIterable {
        case `default`, vga, cirrus, virtio, bochs, qxl, none
    }
    public var model: Model
    /// KiB.
    public var vram: Int?
    /// qxl: `ram`, `vgamem` and `vram64`, KiB.
    public var ram: Int?
    public var vgamem: Int?
    public var vram64: Int?
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

/// `<memballoon>`.
public struct MemoryBalloon: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable {
        case virtio, none
        case virtioTransitional = "virtio-transitional"
        case virtioNonTransitional = "virtio-non-transitional"
    }
    public var model: Model
    /// `<stats period>`: how often, in seconds, the guest's balloon driver refreshes its statistics (0: never).
    public var statsPeriod = 0
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(model: Model) { self.model = model }
}

/// `<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>`, or QEMU's own generator
/// (`<backend model='builtin'/>`).
public struct RNGDevice: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable { case virtio }
    public enum BackendModel: String, Sendable, Equatable, CaseIterable { case random, builtin }
    public var model: Model = .virtio
    public var backendModel: BackendModel = .random
    /// Host entropy source; nil leaves QEMU's default.
    public var backendPath: String?
    /// `<rate bytes= period=>`: at most `bytes` per `period` milliseconds (QEMU's max-bytes and period).
    public var rateBytes: Int?
    public var ratePeriod: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(backendPath: String? = "/dev/urandom") { self.backendPath = backendPath }
}

/// `<watchdog>`: libvirt 9.0 has one per domain and knows three models (`itco`, q35's built-in TCO, came with
/// libvirt 9.1). `diag288` is s390's, refused on x86 by the QEMU driver at define as libvirt does.
public struct WatchdogDevice: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable { case i6300esb, ib700, diag288 }
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
