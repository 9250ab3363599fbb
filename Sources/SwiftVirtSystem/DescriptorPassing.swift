import CSwiftVirtSys
import Glibc

/// Handing open descriptors to another process over a unix stream socket (SCM_RIGHTS): QEMU takes the
/// descriptors a monitor command names (`getfd`), libvirt clients take those a reply carries (`*_WITH_FDS`).
/// The calls block while the socket is full, so they run on the socket's own event loop (which must not
/// interleave other writes with them) or on the blocking executor.
public enum DescriptorPassing {
    /// A failed system call: which, and errno.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var call: String
        public var errno: CInt
        public var description: String { "\(call): \(String(cString: strerror(errno)))" }
    }

    /// Sends `bytes` on `socket` with `descriptor` attached to the first byte. `bytes` must not be empty: a
    /// descriptor travels with data.
    public static func send(_ bytes: [UInt8], attaching descriptor: CInt, on socket: CInt) throws(Failure) {
        let rc = bytes.withUnsafeBytes { sv_send_with_fd(socket, $0.baseAddress, $0.count, descriptor) }
        if rc < 0 { throw Failure(call: "sendmsg", errno: -rc) }
    }

    /// Writes all of `bytes` to `socket`.
    public static func writeAll(_ bytes: [UInt8], on socket: CInt) throws(Failure) {
        let rc = bytes.withUnsafeBytes { sv_write_all(socket, $0.baseAddress, $0.count) }
        if rc < 0 { throw Failure(call: "send", errno: -rc) }
    }

    /// A connected pair of unix stream sockets, both close-on-exec.
    public static func socketPair() throws(Failure) -> (CInt, CInt) {
        var fds: [CInt] = [-1, -1]
        let rc = fds.withUnsafeMutableBufferPointer { sv_stream_socketpair($0.baseAddress) }
        if rc < 0 { throw Failure(call: "socketpair", errno: -rc) }
        return (fds[0], fds[1])
    }

    /// A unix stream socket connected to `path`, close-on-exec.
    public static func connect(unixPath path: String) throws(Failure) -> CInt {
        let fd = sv_unix_connect(path)
        if fd < 0 { throw Failure(call: "connect \(path)", errno: -fd) }
        return fd
    }
}

/// The descriptors a client sends on one connection's socket. The daemon's read(2) keeps them for a registered
/// socket (CSwiftVirtSys/fdinbox.c), so whoever reads the socket (NIO) needs no change; the connection's decoder
/// takes them when the call they came with is complete. `owner` tells this connection from a later one that
/// gets the same descriptor number after this one closed.
public struct DescriptorInbox: Sendable {
    public let socket: CInt
    public let owner: UInt64

    /// Registers `socket` (before anything reads it).
    public init(socket: CInt, owner: UInt64) throws(DescriptorPassing.Failure) {
        let rc = sv_inbox_open(socket, owner)
        if rc < 0 { throw DescriptorPassing.Failure(call: "descriptor inbox for \(socket)", errno: -rc) }
        self.socket = socket
        self.owner = owner
    }

    /// Up to `count` received descriptors, oldest first; fewer when fewer came. The caller owns them.
    public func take(_ count: Int) -> [CInt] {
        guard count > 0 else { return [] }
        var taken = [CInt](repeating: -1, count: count)
        let n = taken.withUnsafeMutableBufferPointer { sv_inbox_take(socket, owner, $0.baseAddress, CInt(count)) }
        return Array(taken.prefix(Int(n)))
    }

    /// Unregisters the socket and closes what was not taken. Safe to call more than once.
    public func close() { sv_inbox_close(socket, owner) }
}

