import Glibc
import Synchronization
import SwiftVirtCore

/// TCP ports for SPICE displays, from libvirt's remote display range (qemu.conf's remote_display_port_min/max,
/// 5900-65535), as virPortAllocator hands them out: the lowest port that no guest of this driver holds and that
/// nothing on the host listens on (a test bind on the wildcard address). QEMU binds it moments later; a VNC
/// display searching its own port (`to=99`) in between could take it first, and that start then fails with
/// QEMU's own message.
final class DisplayPortAllocator: Sendable {
    let range: ClosedRange<Int>
    private let held = Mutex<Set<Int>>([])

    init(range: ClosedRange<Int> = 5900...65535) { self.range = range }

    struct Exhausted: Error, LibvirtMappable, CustomStringConvertible {
        let range: ClosedRange<Int>
        var description: String {
            "Unable to find an unused port in range 'display' (\(range.lowerBound)-\(range.upperBound))"
        }
        var virtError: VirtError { VirtError(.internalError, domain: .qemu, detail: description) }
    }

    func acquire() throws -> Int {
        try held.withLock { held in
            for port in range where !held.contains(port) && Self.isFree(port) {
                held.insert(port)
                return port
            }
            throw Exhausted(range: range)
        }
    }

    /// A port a reattached guest already holds.
    func hold(_ port: Int) { _ = held.withLock { $0.insert(port) } }

    func release(_ port: Int) { _ = held.withLock { $0.remove(port) } }

    /// Whether a listener could bind `port` on 0.0.0.0 (and on :: where the host has IPv6).
    static func isFree(_ port: Int) -> Bool {
        canBind(family: AF_INET, port: port) && canBind(family: AF_INET6, port: port, missingFamilyIsFree: true)
    }

    private static func canBind(family: Int32, port: Int, missingFamilyIsFree: Bool = false) -> Bool {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return missingFamilyIsFree && errno == EAFNOSUPPORT }
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var result: Int32
        if family == AF_INET6 {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            addr.sin6_addr = in6addr_any
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr = in_addr(s_addr: INADDR_ANY)
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return result == 0 || (family == AF_INET6 && missingFamilyIsFree && errno == EADDRNOTAVAIL)
    }
}
