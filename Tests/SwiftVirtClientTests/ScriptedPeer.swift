import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The other end of a client connection in tests: a real unix socket server on its own thread that accepts
/// one connection and follows a script. Each step reads exactly the bytes the client is expected to send
/// (recording what really arrived) and then writes canned reply bytes. Afterwards it records anything else
/// the client sends until it closes the connection.
///
/// @unchecked Sendable: `received`, `trailing` and `failure` are written only by the server thread before it
/// signals `done`, and read by the test only after `waitUntilFinished()` has waited on `done`.
final class ScriptedPeer: @unchecked Sendable {
    struct Step {
        var expectedByteCount: Int
        var replies: [[UInt8]]
        /// Close the connection instead of replying.
        var hangUp = false
    }

    let path: String
    private let listenFD: Int32
    private let done = DispatchSemaphore(value: 0)
    private(set) var received: [[UInt8]] = []
    private(set) var trailing: [UInt8] = []
    private(set) var failure: String?

    private static let counter = Counter()

    init() throws {
        path = "/tmp/svclient-\(getpid())-\(Self.counter.next()).sock"
        unlink(path)
        listenFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listenFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard listenFD >= 0, bound == 0, listen(listenFD, 1) == 0 else {
            throw PeerError(message: "cannot listen on \(path): errno \(errno)")
        }
    }

    deinit {
        close(listenFD)
        unlink(path)
    }

    func start(_ steps: [Step]) {
        let thread = Thread { [self] in
            run(steps)
            done.signal()
        }
        thread.start()
    }

    /// Waits for the script to finish (the client closed or the peer hung up); false on timeout.
    func waitUntilFinished(seconds: Int = 10) -> Bool {
        done.wait(timeout: .now() + .seconds(seconds)) == .success
    }

    private func run(_ steps: [Step]) {
        let fd = accept(listenFD, nil, nil)
        guard fd >= 0 else {
            failure = "accept failed: errno \(errno)"
            return
        }
        defer { close(fd) }
        for step in steps {
            guard let bytes = readExactly(fd, step.expectedByteCount) else {
                failure = "client stopped before sending \(step.expectedByteCount) bytes"
                return
            }
            received.append(bytes)
            if step.hangUp { return }
            for reply in step.replies {
                _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            trailing += buffer.prefix(n)
        }
    }

    private func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while out.count < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count - out.count, 0) }
            if n <= 0 { return nil }
            out += buffer.prefix(n)
        }
        return out
    }
}

struct PeerError: Error {
    var message: String
}

/// Unique socket names across concurrently running tests.
final class Counter: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
