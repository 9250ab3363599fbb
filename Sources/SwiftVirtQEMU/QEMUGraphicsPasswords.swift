import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// Graphics passwords, given to a started QEMU over the monitor as libvirt does (qemuDomainChangeGraphicsPasswords):
/// they never appear on the command line, where any local user could read them.
enum QEMUGraphicsPasswords {
    static func apply(_ definition: DomainDefinition, _ qmp: QMPClient) async throws {
        for g in definition.devices.graphics where g.passwd != nil {
            try await change(g, qmp)
        }
    }

    /// set_password and expire_password for one VNC or SPICE display; nothing without a password.
    static func change(_ g: Graphics, _ qmp: QMPClient) async throws {
        guard let password = g.passwd, g.type == .vnc || g.type == .spice else { return }
        let proto = g.type.rawValue
        var arguments: [String: JSONValue] = ["protocol": .string(proto), "password": .string(password)]
        if g.type == .spice, let c = g.connected { arguments["connected"] = .string(c.rawValue) }
        _ = try await qmp.execute("set_password", arguments: arguments)
        // An empty password locks everyone out at once, as with libvirt.
        let time = password.isEmpty ? "now" : expiry(g)
        _ = try await qmp.execute("expire_password", arguments: ["protocol": .string(proto), "time": .string(time)])
    }

    /// `never`, `now` for a time already past, else the time in seconds since the epoch.
    static func expiry(_ g: Graphics, now: Int = Int(Glibc.time(nil))) -> String {
        guard let validTo = g.passwdValidTo.flatMap(Graphics.passwordExpiry) else { return "never" }
        return validTo <= now ? "now" : String(validTo)
    }
}
