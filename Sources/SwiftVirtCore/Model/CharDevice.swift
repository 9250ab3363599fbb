/// `<serial>`, `<console>` and `<channel>`: a guest character device and its host-side backend.
public struct CharDevice: Sendable, Equatable {
    public enum SourceType: String, Sendable, Equatable, CaseIterable {
        case pty, file, unix, tcp, null, dev, pipe, stdio, udp, vc, spicevmc, spiceport, nmdm, dbus
        case qemuVDAgent = "qemu-vdagent"
    }
    public enum SourceMode: String, Sendable, Equatable, CaseIterable { case bind, connect }
    public enum TCPProtocol: String, Sendable, Equatable, CaseIterable { case raw, telnet }
    public enum TargetType: String, Sendable, Equatable, CaseIterable {
        case isaSerial = "isa-serial"
        case usbSerial = "usb-serial"
        case pciSerial = "pci-serial"
        case serial, virtio, guestfwd, xen, uml, lxc, openvz, sclp, sclplm
        case spaprVIOSerial = "spapr-vio-serial"
        case systemSerial = "system-serial"
        case isaDebug = "isa-debug"
    }
    /// Host side (`<source>`); which fields apply depends on `type`.
    public struct Source: Sendable, Equatable {
        /// file/unix path; for pty only in live XML (the allocated /dev/pts/N).
        public var path: String?
        public var mode: SourceMode?
        public var host: String?
        public var service: String?
        public var append: OnOff?
        /// spiceport: the SPICE port's name (`<source channel=...>`).
        public var channel: String?
        /// tcp: `tls='yes'|'no'` as given, or as the driver fills it in for a hot-plugged redirector (libvirt's
        /// chardev_tls default, off).
        public var tls: Bool?
        public init(
            path: String? = nil, mode: SourceMode? = nil, host: String? = nil, service: String? = nil,
            append: OnOff? = nil, channel: String? = nil
        ) {
            self.path = path
            self.mode = mode
            self.host = host
            self.service = service
            self.append = append
            self.channel = channel
        }
    }
    public struct Log: Sendable, Equatable {
        public var file: String
        public var append: OnOff?
        public init(file: String, append: OnOff? = nil) {
            self.file = file
            self.append = append
        }
    }
    public var type: SourceType
    public var source: Source?
    public var tcpProtocol: TCPProtocol?
    public var targetType: TargetType?
    public var targetPort: Int?
    /// Channel name, e.g. "org.qemu.guest_agent.0".
    public var targetName: String?
    /// guestfwd channel: the guest-side address (`<target address port>`).
    public var targetAddress: String?
    /// `<target><model name=...>` (e.g. isa-serial).
    public var targetModel: String?
    /// A running guest's virtio channel: whether the guest has its port open (`<target state=...>`, live XML
    /// only): "connected" or "disconnected".
    public var targetState: String?
    public var log: Log?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(
        type: SourceType, source: Source? = nil, targetType: TargetType? = nil, targetPort: Int? = nil,
        targetName: String? = nil
    ) {
        self.type = type
        self.source = source
        self.targetType = targetType
        self.targetPort = targetPort
        self.targetName = targetName
    }
}
