import Glibc
import SwiftVirtCore

/// Host tap devices QEMU cannot open by name. A macvtap device (the `<target dev>` the daemon gives a guest on a
/// macvtap network) is a character device `/dev/tapN`, N its interface index; as libvirt does, the QEMU driver
/// opens it and QEMU inherits the descriptor (`-netdev tap,fd=N`). It is opened through a private node made in the
/// domain's directory from the device number sysfs gives (then removed): /dev may have no node for it (no udev, as
/// in a test's network namespace), or one of the same name for another namespace's interface.
enum QEMUTapDevices {
    /// Opens the character device of every macvtap `<target dev>` of `def`, by device name.
    static func openMacvtaps(_ def: DomainDefinition, scratch: String) throws -> [String: Int32] {
        var fds: [String: Int32] = [:]
        do {
            for nic in def.devices.interfaces {
                guard let dev = nic.targetDev, let (node, number) = macvtapNode(dev) else { continue }
                fds[dev] = try open(node: node, device: number, dev: dev, scratch: scratch)
            }
        } catch {
            close(fds)
            throw error
        }
        return fds
    }

    static func close(_ fds: [String: Int32]) {
        for fd in fds.values { _ = Glibc.close(fd) }
    }

    /// "tapN" and the device number, from /sys/class/net/DEV/macvtap/tapN/dev ("major:minor"); nil for a
    /// device that is not a macvtap.
    static func macvtapNode(_ dev: String) -> (String, dev_t)? {
        let dir = "/sys/class/net/\(dev)/macvtap"
        guard let d = opendir(dir) else { return nil }
        defer { closedir(d) }
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix("tap"), let text = readSmallFile("\(dir)/\(name)/dev") else { continue }
            let parts = text.split(separator: ":").compactMap { UInt64($0.trimmingWhitespace()) }
            guard parts.count == 2 else { continue }
            let (major, minor) = (parts[0], parts[1])
            // glibc's makedev().
            let number =
                (major & 0xFFFF_F000) << 32 | (major & 0xFFF) << 8 | (minor & 0xFFFF_FF00) << 12 | (minor & 0xFF)
            return (name, dev_t(number))
        }
        return nil
    }

    private static func open(node: String, device: dev_t, dev: String, scratch: String) throws -> Int32 {
        let path = "\(scratch)/\(node)"
        unlink(path)
        guard mknod(path, S_IFCHR | 0o600, device) == 0 else { throw failure(dev, "mknod \(path)") }
        defer { unlink(path) }
        let made = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard made >= 0 else { throw failure(dev, "open \(path)") }
        return made
    }

    private static func failure(_ dev: String, _ what: String) -> VirtError {
        VirtError(
            .systemError, domain: .qemu,
            detail: "cannot open the tap device of macvtap '\(dev)' (\(what)): \(String(cString: strerror(errno)))")
    }

    private static func readSmallFile(_ path: String) -> String? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }
}
