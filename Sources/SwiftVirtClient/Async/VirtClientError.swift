import SwiftVirtCore
import SwiftVirtWire

/// An error reported by a libvirt daemon (`remote_error`): libvirt's error number, the subsystem that raised it
/// and its message, exactly as virsh would print them.
public struct LibvirtError: Error, Sendable, Equatable, CustomStringConvertible {
    /// virErrorNumber, e.g. 42 for "no domain".
    public var code: Int32
    /// virErrorDomain, e.g. 10 for the QEMU driver.
    public var domain: Int32
    /// The server's message; "Unknown error" when it sent none (as virsh shows it).
    public var message: String
    /// 1 warning, 2 error.
    public var level: Int32

    public init(code: Int32, domain: Int32, message: String, level: Int32 = 2) {
        self.code = code
        self.domain = domain
        self.message = message
        self.level = level
    }

    init(_ remote: RemoteError) {
        self.init(
            code: remote.code, domain: remote.domain, message: remote.message ?? "Unknown error", level: remote.level)
    }

    /// The code as SwiftVirtCore's enum when it is one SwiftVirt knows.
    public var knownCode: VirtErrorCode? { VirtErrorCode(rawValue: code) }

    /// The server does not implement the call: NO_SUPPORT, or an RPC "unknown procedure" answer (libvirt's
    /// clients treat both as the cue to fall back to an older procedure).
    public var isUnsupported: Bool {
        code == VirtErrorCode.noSupport.rawValue
            || (code == VirtErrorCode.rpc.rawValue && message.hasPrefix("unknown procedure"))
    }

    public var description: String { message }
}

/// Why an asynchronous libvirt call or connection failed.
public enum VirtClientError: Error, Sendable, CustomStringConvertible {
    /// The daemon answered with an error.
    case remote(LibvirtError)
    /// A URI that libvirt would not accept, and why.
    case invalidURI(String, reason: String)
    /// The transport could not be set up (socket missing, host unreachable, ssh failed to start).
    case connectFailed(uri: String, reason: String)
    /// The connection ended before the reply (daemon exited, ssh died, keepalive gave up).
    case connectionClosed
    /// The daemon sent something that is not libvirt's protocol, or a reply that does not decode.
    case protocolViolation(String)
    /// The daemon asks for an authentication type this client does not implement (1 is SASL).
    case unsupportedAuth(Int32)
    /// The operation needs something the transport or daemon cannot give.
    case unsupported(String)
    /// A `qemu+tls://` session could not be set up: a certificate file missing or unreadable, the handshake
    /// refused (with BoringSSL's reason), or the server refusing our certificate.
    case tlsFailed(uri: String, reason: String)

    public var description: String {
        switch self {
        case .remote(let error): return error.message
        case .invalidURI(let uri, let reason): return "invalid URI '\(uri)': \(reason)"
        case .connectFailed(let uri, let reason): return "failed to connect to the hypervisor at '\(uri)': \(reason)"
        case .connectionClosed: return "End of file while reading data: the daemon closed the connection"
        case .protocolViolation(let what): return "protocol error: \(what)"
        case .unsupportedAuth(let type): return "authentication type \(type) is not supported by this client"
        case .unsupported(let what): return what
        case .tlsFailed(let uri, let reason): return "failed to connect to the hypervisor at '\(uri)': \(reason)"
        }
    }

    /// The daemon's error, when the failure is one.
    public var libvirtError: LibvirtError? {
        if case .remote(let error) = self { return error }
        return nil
    }

    static func wrapping(_ error: any Error) -> VirtClientError {
        if let own = error as? VirtClientError { return own }
        if error is CancellationError { return .connectionClosed }
        return .protocolViolation(String(describing: error))
    }
}
