import CSwiftVirtSys
import Glibc
import SwiftVirtSystem

/// A listening unix stream socket whose connections a thread of its own accepts, so the daemon knows each
/// connection's descriptor (the busy poller watches it) before NIO takes the connection over.
final class UnixListener: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case system(call: String, path: String, errno: Int32)
        var description: String {
            switch self {
            case .system(let call, let path, let code):
                "cannot listen on \(path): \(call): \(String(cString: strerror(code)))"
            }
        }
    }

    let path: String
    private let fd: CInt

    /// Binds `path` (replacing a stale socket there, never another kind of file) and listens.
    init(path: String, backlog: Int32 = 64) throws {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw Failure.system(call: "bind", path: path, errno: ENAMETOOLONG)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure.system(call: "socket", path: path, errno: errno) }
        // A stale socket of an earlier run is replaced; anything else at the path is left alone (bind then fails).
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
        let bound = Self.withAddress(path) { bind(fd, $0, $1) } ?? -1
        guard bound == 0, listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw Failure.system(call: bound == 0 ? "listen" : "bind", path: path, errno: code)
        }
        self.path = path
        self.fd = fd
    }

    /// Calls `body` with `path` as a unix socket address and its length; nil when the path does not fit.
    static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T? {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        guard path.utf8.count < MemoryLayout.size(ofValue: addr.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            path.utf8CString.withUnsafeBytes { raw.copyMemory(from: $0) }
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Accepted connections, as descriptors the receiver owns. Transient failures (a client that gave up,
    /// too many open files) are reported through `onError` and accepting goes on after a short pause.
    func connections(onError: @escaping @Sendable (String) -> Void) -> AsyncStream<CInt> {
        let (stream, continuation) = AsyncStream.makeStream(of: CInt.self)
        let fd = fd
        let path = path
        let started = DetachedThread.start(name: "accept \(path)") {
            while true {
                let client = sv_accept_cloexec(fd)
                if client >= 0 {
                    if case .terminated = continuation.yield(client) { close(client) }
                    continue
                }
                let code = -client
                switch code {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EBADF, EINVAL, ENOTSOCK:
                    continuation.finish()
                    return
                default:
                    onError("accept on \(path): \(String(cString: strerror(code)))")
                    usleep(100_000)
                }
            }
        }
        if !started {
            onError("accept on \(path): cannot start a thread")
            continuation.finish()
        }
        return stream
    }
}
