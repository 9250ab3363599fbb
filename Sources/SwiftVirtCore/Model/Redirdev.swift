/// `<redirdev bus='usb'>`: a USB device of a remote client handed to the guest through a character device —
/// SPICE's usbredir channel (`type='spicevmc'`), or a usbredir server on a socket (`tcp`, `unix`).
public struct RedirectedDevice: Sendable, Equatable {
    public enum Bus: String, Sendable, Equatable, CaseIterable { case usb }
    public var bus: Bus = .usb
    /// The backend: its type, `<source>` and `<protocol>` (targets do not apply).
    public var backend: CharDevice
    public var bootOrder: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(backend: CharDevice) { self.backend = backend }
}
