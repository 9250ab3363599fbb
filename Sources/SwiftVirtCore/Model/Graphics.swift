/// `<graphics>`. VNC and SPICE are typed in full; the other types libvirt 9.0 knows (sdl, rdp, desktop,
/// egl-headless, dbus) are typed by their type alone and whatever else they carry is kept as written.
public struct Graphics: Sendable, Equatable {
    public enum GraphicsType: String, Sendable, Equatable, CaseIterable {
        case sdl, vnc, rdp, desktop, spice
        case eglHeadless = "egl-headless"
        case dbus
    }

    /// `<listen>`: where the display server listens. After `applyDefaults` a VNC or SPICE display has at least
    /// one (libvirt makes one from the `listen` attribute when none is written).
    public struct Listen: Sendable, Equatable {
        public enum ListenType: String, Sendable, Equatable, CaseIterable { case address, network, socket, none }
        public var type: ListenType
        /// type address: nil is the driver's default (127.0.0.1).
        public var address: String?
        /// type network: the libvirt network whose address is listened on.
        public var network: String?
        /// type socket: nil is a socket the driver places in the domain's directory.
        public var socket: String?
        public init(type: ListenType, address: String? = nil, network: String? = nil, socket: String? = nil) {
            self.type = type
            self.address = address
            self.network = network
            self.socket = socket
        }
    }

    public var type: GraphicsType = .vnc
    /// VNC: -1 with autoport. SPICE: nil (libvirt's 0) when autoport or unset, -1 for "pick one at start".
    public var port: Int?
    public var autoport: Bool?
    /// VNC only.
    public var websocket: Int?
    /// SPICE only: the TLS port (nil is libvirt's 0, none).
    public var tlsPort: Int?
    public var listens: [Listen] = []
    /// `keymap=`: passed to QEMU as `-k`.
    public var keymap: String?
    /// VNC and SPICE: `passwd` (printed only with VIR_DOMAIN_XML_SECURE, as libvirt), `passwdValidTo` (an ISO 8601
    /// time after which the password no longer works) and `connected` (what happens to clients when it changes).
    public var passwd: String?
    public var passwdValidTo: String?
    public var connected: Connected?
    public enum Connected: String, Sendable, Equatable, CaseIterable { case fail, disconnect, keep }
    /// VNC: `<audio id=...>`, the backend its audio goes through.
    public var audioID: Int?
    /// SPICE's own options (channels, compression, ...); nil for other types.
    public var spice: SpiceOptions?
    public var sourceLine = SourceLine()

    public init(
        type: GraphicsType = .vnc, port: Int? = nil, autoport: Bool? = nil, websocket: Int? = nil,
        listenAddress: String? = nil
    ) {
        self.type = type
        self.port = port
        self.autoport = autoport
        self.websocket = websocket
        if let listenAddress { listens = [Listen(type: .address, address: listenAddress)] }
    }

    /// The first listen, which decides how QEMU is started (libvirt uses only that one).
    public var listen: Listen? { listens.first }

    /// The address of the first listen when it is an address; setting it makes the first listen that address.
    public var listenAddress: String? {
        get { listen?.type == .address ? listen?.address : nil }
        set {
            if listens.isEmpty {
                listens = [Listen(type: .address, address: newValue)]
            } else {
                listens[0] = Listen(type: .address, address: newValue)
            }
        }
    }
}

/// SPICE's options: the `defaultMode` attribute and the children of `<graphics type='spice'>`.
public struct SpiceOptions: Sendable, Equatable {
    public enum ChannelMode: String, Sendable, Equatable, CaseIterable { case any, secure, insecure }
    /// In libvirt's order, which is the order they are written back in.
    public enum ChannelName: String, Sendable, Equatable, CaseIterable {
        case main, display, inputs, cursor, playback, record, smartcard, usbredir
    }
    public enum ImageCompression: String, Sendable, Equatable, CaseIterable {
        case autoGLZ = "auto_glz"
        case autoLZ = "auto_lz"
        case quic, glz, lz, off
    }
    /// `<jpeg compression>` and `<zlib compression>`.
    public enum WANCompression: String, Sendable, Equatable, CaseIterable { case auto, never, always }
    public enum StreamingMode: String, Sendable, Equatable, CaseIterable { case filter, all, off }
    public enum MouseMode: String, Sendable, Equatable, CaseIterable { case server, client }
    public struct GL: Sendable, Equatable {
        public var enable: Bool
        public var renderNode: String?
        public init(enable: Bool, renderNode: String? = nil) {
            self.enable = enable
            self.renderNode = renderNode
        }
    }

    public var defaultMode: ChannelMode = .any
    /// `<channel name mode>`: one mode per channel name, as libvirt keeps them (a later element wins).
    public var channels: [ChannelName: ChannelMode] = [:]
    public var image: ImageCompression?
    public var jpeg: WANCompression?
    public var zlib: WANCompression?
    /// `<playback compression='on|off'>`.
    public var playbackCompression: Bool?
    public var streaming: StreamingMode?
    public var mouse: MouseMode?
    /// `<clipboard copypaste>`.
    public var copyPaste: Bool?
    /// `<filetransfer enable>`.
    public var fileTransfer: Bool?
    public var gl: GL?
    public init() {}

    /// The channels set to something other than `any`, in libvirt's order.
    public var explicitChannels: [(ChannelName, ChannelMode)] {
        ChannelName.allCases.compactMap { name in channels[name].flatMap { $0 == .any ? nil : (name, $0) } }
    }
}

extension Graphics {
    /// What libvirt completes when it parses a definition to store it (VIR_DOMAIN_DEF_PARSE_INACTIVE) and in
    /// its post-parse step: the listen made from the `listen` attribute, VNC's auto port, SPICE's ports dropped
    /// under autoport and a SPICE display with neither ports nor autoport listening nowhere.
    mutating func applyDefaults() {
        switch type {
        case .vnc:
            if listens.isEmpty { listens = [Listen(type: .address)] }
            guard port == nil || autoport == nil else { return }
            if port == nil || port == -1 {
                port = -1
                autoport = true
            } else {
                autoport = false
            }
        case .spice:
            if listens.isEmpty { listens = [Listen(type: .address)] }
            if port == -1 && tlsPort == -1 { autoport = true }
            if autoport == true {
                port = nil
                tlsPort = nil
            }
            if autoport == nil { autoport = false }
            if port == 0 { port = nil }
            if tlsPort == 0 { tlsPort = nil }
            if listens[0].type == .address, port == nil, tlsPort == nil, autoport == false {
                listens[0] = Listen(type: .none)
            }
            if spice == nil { spice = SpiceOptions() }
        case .sdl, .rdp, .desktop, .eglHeadless, .dbus:
            break
        }
    }
}

extension Graphics {
    /// Seconds since the epoch of a `passwdValidTo` value (`YYYY-MM-DDTHH:MM:SS`, UTC); nil when malformed.
    public static func passwordExpiry(_ text: String) -> Int? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let time = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard date.count == 3, time.count == 3, let y = date[0], let mo = date[1], let d = date[2],
            let h = time[0], let mi = time[1], let s = time[2], (1...12).contains(mo), (1...31).contains(d),
            (0...23).contains(h), (0...59).contains(mi), (0...60).contains(s)
        else { return nil }
        // Days from 1970-01-01 to y-mo-d in the proleptic Gregorian calendar.
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return days * 86400 + h * 3600 + mi * 60 + s
    }
}

extension DomainDefinition {
    /// Whether its XML differs with and without VIR_DOMAIN_XML_SECURE (graphics passwords).
    public var hasSecrets: Bool { devices.graphics.contains { $0.passwd != nil } }
}
