import Glibc

/// The frames crossing one port, both ways, from a non-blocking packet socket bound to it; read by draining it
/// now and then from a task (no thread of its own), for learning a guest's address (NWFilterIPLearning).
final class NWFilterPortCapture: Sendable {
    private let fd: Int32

    /// nil when the port is gone or the socket cannot be made.
    init?(interface: String) {
        let index = if_nametoindex(interface)
        guard index != 0 else { return nil }
        let everyProtocol = UInt16(0x0003).bigEndian  // ETH_P_ALL
        let fd = socket(
            AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            Int32(everyProtocol))
        guard fd >= 0 else { return nil }
        // struct sockaddr_ll: family, protocol, ifindex, hatype, pkttype, halen, addr[8].
        var address = [UInt8](repeating: 0, count: 20)
        withUnsafeBytes(of: UInt16(AF_PACKET)) { address.replaceSubrange(0..<2, with: $0) }
        withUnsafeBytes(of: everyProtocol) { address.replaceSubrange(2..<4, with: $0) }
        withUnsafeBytes(of: Int32(index)) { address.replaceSubrange(4..<8, with: $0) }
        let bound = address.withUnsafeBytes {
            bind(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The frames that arrived since the last call.
    func drain() -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while frames.count < 1000 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            frames.append(Array(buffer[0..<n]))
        }
        return frames
    }
}
