#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A connected, blocking AF_UNIX stream socket that owns its descriptor. Not shared between threads: the client
/// that holds it makes one call at a time.
final class UnixStreamSocket {
    private var fd: Int32

    init(connectingTo path: String, receiveTimeout: Double?) throws(ClientError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .socketPathTooLong(path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        #if os(Linux)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .ioFailed(operation: "create", errno: errno) }
        self.fd = fd
        if let receiveTimeout {
            let whole = Int(receiveTimeout)
            var tv = timeval(tv_sec: whole, tv_usec: suseconds_t((receiveTimeout - Double(whole)) * 1_000_000))
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 {
            let code = errno
            close()
            throw .connectFailed(path: path, errno: code)
        }
    }

    deinit { close() }

    func sendAll(_ bytes: [UInt8]) throws(ClientError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                // MSG_NOSIGNAL: a server that went away must give EPIPE, not kill the process with SIGPIPE.
                return send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .ioFailed(operation: "send", errno: errno)
            }
            sent += n
        }
    }

    /// Up to `maximum` bytes; an empty array means the peer closed the connection. Nil means the receive
    /// timeout expired.
    func receive(maximum: Int = 65536) throws(ClientError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n >= 0 { return Array(buffer.prefix(n)) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw .ioFailed(operation: "receive", errno: errno)
        }
    }

    func close() {
        if fd >= 0 {
            closeDescriptor(fd)
            fd = -1
        }
    }
}

/// File scope, where `close` is the C function rather than the method above.
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
