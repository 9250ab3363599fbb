import SwiftVirtWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a remote call failed. `description` is what a user should see after `error: `.
public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case socketPathTooLong(String)
    case connectFailed(path: String, errno: Int32)
    case ioFailed(operation: String, errno: Int32)
    /// No reply arrived within the receive timeout.
    case timedOut(procedure: Int32)
    /// The server closed the connection before replying.
    case connectionClosed
    /// The server sent bytes that are not libvirt packets.
    case framing(FramingError)
    /// A reply payload did not decode as the procedure's return type.
    case malformedReply(procedure: Int32, XDRError)
    /// A packet arrived that no call was waiting for.
    case unexpectedPacket(PacketHeader)
    /// The server answered with remote_error.
    case remote(RemoteError)
    /// The server demands an authentication type this client does not implement (1 is SASL).
    case unsupportedAuth(Int32)

    public var description: String {
        switch self {
        case .socketPathTooLong(let path): return "socket path too long: '\(path)'"
        case .connectFailed(let path, let code):
            return "Failed to connect socket to '\(path)': \(errnoText(code))"
        case .ioFailed(let operation, let code): return "cannot \(operation) on socket: \(errnoText(code))"
        case .timedOut(let procedure): return "timed out waiting for the reply to procedure \(procedure)"
        case .connectionClosed: return "End of file while reading data: server closed the connection"
        case .framing(let error): return "malformed packet from server: \(error)"
        case .malformedReply(let procedure, let error):
            return "malformed reply to procedure \(procedure): \(error)"
        case .unexpectedPacket(let header):
            return "unexpected packet from server (program \(header.program), procedure \(header.procedure), "
                + "serial \(header.serial))"
        case .remote(let error): return error.message ?? "Unknown error"
        case .unsupportedAuth(let type): return "unsupported authentication type \(type)"
        }
    }

    /// True for the server's "unknown procedure" / "not supported" answers, which clients treat as a cue to
    /// fall back to an older procedure.
    public var isUnsupportedProcedure: Bool {
        guard case .remote(let error) = self else { return false }
        if error.code == 3 { return true }
        return error.code == 39 && (error.message ?? "").hasPrefix("unknown procedure")
    }
}

func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}
