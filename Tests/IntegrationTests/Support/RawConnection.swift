import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A libvirt RPC message as seen on the wire, encoded and decoded here by hand (deliberately not with
/// SwiftVirtWire, so the daemon is checked against an independent reading of the protocol).
struct RawMessage: Equatable {
    static let remoteProgram: UInt32 = 0x2000_8086
    var program: UInt32 = remoteProgram
    var version: UInt32 = 1
    var procedure: Int32
    var type: UInt32 = 0  // CALL
    var serial: UInt32
    var status: UInt32 = 0  // OK
    var payload: [UInt8] = []

    func encoded() -> [UInt8] {
        var out = XDR.u32(UInt32(28 + payload.count))
        out += XDR.u32(program) + XDR.u32(version) + XDR.u32(UInt32(bitPattern: procedure))
        out += XDR.u32(type) + XDR.u32(serial) + XDR.u32(status)
        return out + payload
    }

    /// The `message` string of a remote_error payload (code, domain, then an optional string).
    var errorMessage: String? {
        guard payload.count >= 12, XDR.readU32(payload, at: 8) == 1 else { return nil }
        return XDR.readString(payload, at: 12)
    }

    var errorCode: Int32? { payload.count >= 4 ? Int32(bitPattern: XDR.readU32(payload, at: 0)) : nil }
}

enum XDR {
    static func u32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    static func string(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return u32(UInt32(bytes.count)) + bytes + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4)
    }

    static func readU32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        guard offset + 4 <= bytes.count else { return 0 }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func readString(_ bytes: [UInt8], at offset: Int) -> String? {
        let length = Int(readU32(bytes, at: offset))
        guard offset + 4 + length <= bytes.count else { return nil }
        return String(decoding: bytes[offset + 4..<offset + 4 + length], as: UTF8.self)
    }
}

/// A plain unix stream socket to the daemon, for sending what no well-behaved client would.
final class RawConnection {
    private let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket(): errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw HarnessError("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw HarnessError("connect(\(path)): errno \(code)")
        }
        // Ignore SIGPIPE from writes to a socket the daemon already closed.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw HarnessError("send: errno \(errno)") }
            offset += sent
        }
    }

    func send(_ message: RawMessage) throws { try send(message.encoded()) }

    /// Half-closes our side: the daemon sees end of input, as after a truncated packet.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads whatever arrives within `timeout`; nil means the peer closed (EOF or reset).
    private func readSome(timeout: Duration) throws -> [UInt8]? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let millis = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&pfd, 1, millis)
        guard ready > 0 else { throw HarnessError("no data from the daemon within \(timeout)") }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { return nil }
        return Array(buffer[0..<count])
    }

    private var pending: [UInt8] = []

    /// The next complete message, or nil if the daemon closed the connection first.
    func receive(timeout: Duration = .seconds(10)) throws -> RawMessage? {
        while true {
            if pending.count >= 4 {
                let length = Int(XDR.readU32(pending, at: 0))
                guard length >= 28 else { throw HarnessError("daemon sent a bad length word \(length)") }
                if pending.count >= length {
                    let frame = Array(pending[0..<length])
                    pending.removeFirst(length)
                    return RawMessage(
                        program: XDR.readU32(frame, at: 4), version: XDR.readU32(frame, at: 8),
                        procedure: Int32(bitPattern: XDR.readU32(frame, at: 12)), type: XDR.readU32(frame, at: 16),
                        serial: XDR.readU32(frame, at: 20), status: XDR.readU32(frame, at: 24),
                        payload: Array(frame[28...]))
                }
            }
            guard let chunk = try readSome(timeout: timeout) else { return nil }
            pending += chunk
        }
    }

    /// Sends a call and returns the reply with its serial, skipping events and keepalives in between.
    func call(_ procedure: Int32, serial: UInt32, payload: [UInt8] = []) throws -> RawMessage {
        try send(RawMessage(procedure: procedure, serial: serial, payload: payload))
        while let message = try receive() {
            if message.type == 1, message.serial == serial { return message }
        }
        throw HarnessError("daemon closed the connection instead of answering procedure \(procedure)")
    }

    /// How the daemon reacted to what was sent.
    enum Reaction: Equatable {
        /// Closed the connection, possibly after error replies.
        case closed
        /// Answered with an error reply and kept the connection open.
        case refused
        /// Answered with a successful reply.
        case answered
        /// Said nothing and kept the connection open.
        case silent
    }

    /// Reads until the daemon closes the connection or `timeout` passes.
    func reaction(timeout: Duration = .seconds(10)) -> Reaction {
        let deadline = ContinuousClock.now + timeout
        var sawError = false
        while ContinuousClock.now < deadline {
            let message: RawMessage?
            do { message = try receive(timeout: deadline - ContinuousClock.now) } catch { break }
            guard let message else { return .closed }
            if message.type == 1 && message.status == 0 { return .answered }
            if message.status == 1 { sawError = true }
        }
        return sawError ? .refused : .silent
    }
}
