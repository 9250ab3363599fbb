import Foundation

/// The daemon's network namespace must have its loopback up: Foundation's `Process` (every QEMU, ip, nft and
/// dnsmasq the daemon runs) wakes its monitor thread through a socket pair bound on 127.0.0.1, and with `lo`
/// down it prints "Could not create wakeup socket pair" and then waits forever. Failing at start names the cause.
enum LoopbackCheck {
    struct LoopbackDown: Error, CustomStringConvertible {
        var description: String {
            "the loopback interface 'lo' is down in this network namespace; swiftvirtd needs it to run host "
                + "processes (QEMU, ip, nft, dnsmasq). Bring it up first: ip link set lo up"
        }
    }

    /// Throws when /sys says `lo` lacks IFF_UP. A missing or unreadable file (no sysfs) is not treated as down.
    static func requireUp(sysfs: String = "/sys/class/net") throws {
        guard let text = try? String(contentsOfFile: "\(sysfs)/lo/flags", encoding: .utf8) else { return }
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "0x", with: "")
        guard let flags = UInt32(hex, radix: 16) else { return }
        if flags & 0x1 == 0 { throw LoopbackDown() }
    }
}
