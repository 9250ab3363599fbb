#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A libvirt connection URI (`driver[+transport]://[user@][host][:port]/path[?params]`) taken apart the way
/// libvirt's remote driver does: which transport to use, where to reach the daemon, and which name to send
/// in CONNECT_OPEN once connected (the URI without the parameters that only steer the client).
public struct LibvirtURI: Sendable, Equatable, CustomStringConvertible {
    /// How the bytes travel to the daemon.
    public enum Transport: String, Sendable, Equatable {
        /// A local unix socket (`qemu:///system`, `qemu+unix://...`).
        case unix
        /// Plain TCP, port 16509 by default (`qemu+tcp://host/system`).
        case tcp
        /// TLS over TCP, port 16514 by default (`qemu+tls://host/...`, or a bare `qemu://host/...`).
        case tls
        /// The stdio of `ssh host sh -c '<remote helper>'` (`qemu+ssh://user@host/system`).
        case ssh
    }

    /// The text as given.
    public let text: String
    /// The hypervisor driver (`qemu`, `test`, `remote`, ...).
    public let driver: String
    public let transport: Transport
    public let user: String?
    public let host: String?
    public let port: Int?
    /// `/system`, `/session`, ... (empty for `remote:///`-style URIs without a path).
    public let path: String
    /// Query parameters in order, names lowercased as libvirt compares them.
    public let parameters: [(name: String, value: String)]

    public var description: String { text }

    /// Parameters the client consumes itself; everything else travels to the server in the OPEN name.
    static let transportParameters: Set<String> = [
        "name", "command", "socket", "auth", "netcat", "keyfile", "no_verify", "no_tty", "pkipath", "known_hosts",
        "known_hosts_verify", "sshauth", "mode", "proxy", "tls_priority", "tls_x509_cert_dir",
    ]

    /// Parses `text`. Throws `.invalidURI` naming what is wrong.
    public init(_ text: String) throws(VirtClientError) {
        self.text = text
        guard let schemeEnd = text.range(of: "://") else {
            throw .invalidURI(text, reason: "expected 'driver[+transport]://[host]/path'")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let schemeParts = scheme.split(separator: "+", maxSplits: 1).map(String.init)
        guard let driverName = schemeParts.first, !driverName.isEmpty else {
            throw .invalidURI(text, reason: "missing driver name before '://'")
        }
        driver = driverName
        var rest = text[schemeEnd.upperBound...]
        var query = ""
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        path = String(rest[authorityEnd...])
        if let at = authority.lastIndex(of: "@") {
            user = Self.percentDecoded(String(authority[..<at]))
            authority = authority[authority.index(after: at)...]
        } else {
            user = nil
        }
        var hostText = String(authority)
        var portNumber: Int?
        // "[v6addr]:port" keeps its colons inside brackets.
        let portSearchStart = hostText.lastIndex(of: "]") ?? hostText.startIndex
        if let colon = hostText[portSearchStart...].lastIndex(of: ":") {
            let portText = hostText[hostText.index(after: colon)...]
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw .invalidURI(text, reason: "port '\(portText)' is not a number from 1 to 65535")
            }
            portNumber = number
            hostText = String(hostText[..<colon])
        }
        if hostText.hasPrefix("["), hostText.hasSuffix("]") { hostText = String(hostText.dropFirst().dropLast()) }
        host = hostText.isEmpty ? nil : hostText
        port = portNumber
        parameters = query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let name = parts.first, !name.isEmpty else { return nil }
            return (name.lowercased(), Self.percentDecoded(parts.count > 1 ? parts[1] : ""))
        }
        switch schemeParts.count > 1 ? schemeParts[1] : nil {
        case nil: transport = host == nil ? .unix : .tls
        case "unix": transport = .unix
        case "tcp": transport = .tcp
        case "tls": transport = .tls
        case "ssh": transport = .ssh
        case let other?:
            throw .invalidURI(text, reason: "transport '\(other)' is not supported (use unix, tcp, tls or ssh)")
        }
        if transport != .unix, host == nil {
            throw .invalidURI(text, reason: "transport '\(transport.rawValue)' needs a host name")
        }
    }

    public static func == (a: LibvirtURI, b: LibvirtURI) -> Bool { a.text == b.text }

    /// The value of query parameter `name` (compared case-insensitively), if present.
    public func parameter(_ name: String) -> String? {
        parameters.last { $0.name == name.lowercased() }?.value
    }

    /// Whether the URI asks for a read-only connection is not part of the URI in libvirt; callers pass it.
    /// This is the name sent in CONNECT_OPEN: the URI without transport, user, host, port and client-only
    /// parameters, e.g. `qemu+unix:///system?socket=X` → `qemu:///system`. `?name=` overrides it.
    public var remoteName: String {
        if let name = parameter("name") { return name }
        let kept = parameters.filter { !Self.transportParameters.contains($0.name) }
        let query = kept.isEmpty ? "" : "?" + kept.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        if driver == "remote" && path.count <= 1 && kept.isEmpty { return "" }
        return "\(driver)://\(path)\(query)"
    }

    /// The daemon socket a local (unix) connection uses: `?socket=`, else for root the modular daemon's
    /// `virtqemud-sock` when it exists, else the monolithic `libvirt-sock` (`-ro` variants when read-only).
    /// Session URIs use `$XDG_RUNTIME_DIR/libvirt/libvirt-sock`.
    public func localSocketPath(readOnly: Bool) -> String {
        if let socket = parameter("socket") { return socket }
        let suffix = readOnly ? "-ro" : ""
        if path == "/session", let runtime = getenv("XDG_RUNTIME_DIR") {
            return String(cString: runtime) + "/libvirt/libvirt-sock"
        }
        let modular = "/run/libvirt/virt\(driver)d-sock\(suffix)"
        if driver != "remote", access(modular, F_OK) == 0 { return modular }
        return "/run/libvirt/libvirt-sock\(suffix)"
    }

    /// The TCP port: the URI's, else libvirt's defaults (16509 plain, 16514 TLS).
    public var tcpPort: Int { port ?? (transport == .tls ? 16514 : 16509) }

    /// The URI to use when the caller gives none: `$LIBVIRT_DEFAULT_URI`, else `qemu:///system`.
    public static func defaultURI() throws(VirtClientError) -> LibvirtURI {
        if let env = getenv("LIBVIRT_DEFAULT_URI"), env.pointee != 0 {
            return try LibvirtURI(String(cString: env))
        }
        return try LibvirtURI("qemu:///system")
    }

    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
