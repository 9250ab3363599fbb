import FoundationEssentials
import SwiftVirtCore
import SwiftVirtSystem

/// The host's interfaces as libvirt's udev interface backend lists them: every network device but bridge ports
/// and tun/tap devices, active when its operstate is `up`. Blocking: run inside `BlockingIO.run`.
enum HostInterfaceScanner {
    struct Listed: Sendable {
        var name: String
        var mac: String
        var active: Bool
        var operstate: String
    }

    static func list() -> [Listed] {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: "/sys/class/net")) ?? []
        let paths = names.compactMap { SysfsEnumeration.realPath("/sys/class/net/" + $0) }.sorted()
        return paths.compactMap { path in
            guard !fm.fileExists(atPath: path + "/brport/state"), !fm.fileExists(atPath: path + "/tun_flags")
            else { return nil }
            let state = SysfsDevice.read(path + "/operstate")?.trimmingWhitespace() ?? ""
            let mac = SysfsDevice.read(path + "/address")?.trimmingWhitespace() ?? ""
            return Listed(name: PathText.name(of: path), mac: mac, active: state == "up", operstate: state)
        }
    }

    /// Name, MAC address and operstate of a network device by name, bridge ports and taps included (libvirt's
    /// lookups by name).
    static func find(_ name: String) throws -> Listed {
        let path = "/sys/class/net/" + name
        guard !name.isEmpty, !name.contains("/"), SysfsDevice(path: path) != nil else { throw noInterface(name) }
        let state = SysfsDevice.read(path + "/operstate")?.trimmingWhitespace() ?? ""
        let mac = SysfsDevice.read(path + "/address")?.trimmingWhitespace() ?? ""
        return Listed(name: name, mac: mac, active: state == "up", operstate: state)
    }

    /// The interface's full description (libvirt's udevGetIfaceDef).
    static func describe(_ name: String) throws -> HostInterface {
        let path = "/sys/class/net/" + name
        guard !name.isEmpty, !name.contains("/"), let sys = SysfsDevice(path: path) else {
            throw noInterface(name)
        }
        var i = HostInterface(name: name)
        i.mac = SysfsDevice.read(path + "/address")?.trimmingWhitespace()
        guard let link = NodeDeviceScanner.link(name) else {
            throw VirtError(.internalError, domain: .interface, detail: "Unable to parse: \(name)")
        }
        (i.linkState, i.linkSpeed) = (link.state, link.speed)
        let mtu = SysfsDevice.read(path + "/mtu")?.trimmingWhitespace() ?? ""
        guard let m = UInt32(mtu) else {
            throw VirtError(.internalError, domain: .interface, detail: "Could not parse MTU value '\(mtu)'")
        }
        i.mtu = m
        if sys.devtype == "bridge" {
            i.kind = try bridge(name, path)
        } else if sys.devtype == "vlan" || (sys.devtype == nil && name.contains(".")) {
            i.kind = try vlan(name)
        }
        return i
    }

    static func noInterface(_ name: String) -> VirtError {
        VirtError(.noInterface, domain: .interface, detail: "couldn't find interface named '\(name)'")
    }

    private static func bridge(_ name: String, _ path: String) throws -> HostInterface.Kind {
        let delay = SysfsDevice.read(path + "/bridge/forward_delay")?.trimmingWhitespace()
        let stp = SysfsDevice.read(path + "/bridge/stp_state").flatMap { Int($0.trimmingWhitespace()) }
        // libvirt leaves out its own guests' taps (vnetN) from a bridge's members.
        let members = ((try? FileManager.default.contentsOfDirectory(atPath: path + "/brif")) ?? []).filter { m in
            !(m.count >= 5 && m.hasPrefix("vnet") && m.dropFirst(4).first?.isNumber == true)
        }.sorted()
        return .bridge(stp: stp == 1 ? true : stp == 0 ? false : nil, delay: delay, members: try members.map(describe))
    }

    private static func vlan(_ name: String) throws -> HostInterface.Kind {
        let file = "/proc/net/vlan/" + name
        guard let text = SysfsDevice.read(file) else {
            throw VirtError(.systemError, domain: .none, detail: "Failed to open file '\(file)': No such file or directory")
        }
        guard let vid = text.firstMatch(of: /VID: ([0-9]+)\s/) else {
            throw VirtError(
                .internalError, domain: .interface, detail: "failed to find the VID for the VLAN device '\(name)'")
        }
        let device = text.firstMatch(of: /\nDevice: ([^\n]+)/).map { String($0.1) }
        return .vlan(tag: String(vid.1), device: device)
    }
}
