import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// Guests' ports: taps on bridges and macvtap devices on host interfaces, with the settings the network gives
/// them (libvirt's qemuInterfaceBridgeConnect and virNetDevMacVLanCreateWithVPortProfile, done with ip, bridge
/// and tc).
extension NetworkHost {
    func createPort(_ plan: GuestPortPlan) throws {
        let name = plan.device
        switch plan.attachment {
        case .tap, .unattachedTap:
            try HostCommand.run(["ip", "tuntap", "add", "dev", name, "mode", "tap", "vnet_hdr"])
        case .macvtap(let link, let mode):
            if mode == "passthru", let mac = plan.mac { try takeOverMAC(of: link, for: mac) }
            var add = ["ip", "link", "add", "link", link, "name", name]
            if let mac = plan.mac { add += ["address", mac.description] }
            do { try HostCommand.run(add + ["type", "macvtap", "mode", mode]) } catch {
                if mode == "passthru" { restoreMAC(of: link) }
                throw error
            }
        }
        do {
            if case .tap(let bridge) = plan.attachment {
                try HostCommand.run(
                    ["ip", "link", "set", "dev", name, "master", bridge] + (plan.mtu.map { ["mtu", String($0)] } ?? []))
                try configureBridgePort(plan)
            }
            try HostCommand.run(["ip", "link", "set", "dev", name, "up"])
            if let b = plan.bandwidth {
                // A tap faces the guest (what it sends is the guest's inbound); a macvtap faces the host.
                let swapped = if case .macvtap = plan.attachment { false } else { true }
                try applyBandwidth(b, device: name, hierarchical: false, swapped: swapped, element: plan.bandwidthElement)
            }
        } catch {
            deletePort(name, passthroughLink: plan.isPassthrough ? plan.link : nil)
            throw error
        }
    }

    /// A tap's bridge-port settings: isolation, and with `macTableManager='libvirt'` no learning, no flooding
    /// and the guest's MAC in the bridge's forwarding table.
    private func configureBridgePort(_ plan: GuestPortPlan) throws {
        let name = plan.device
        if plan.isolated {
            try HostCommand.run(["ip", "link", "set", "dev", name, "type", "bridge_slave", "isolated", "on"])
        }
        if plan.managesMACTable {
            try HostCommand.run(
                ["ip", "link", "set", "dev", name, "type", "bridge_slave", "learning", "off", "flood", "off"])
            if let mac = plan.mac {
                try HostCommand.run(["bridge", "fdb", "add", mac.description, "dev", name, "master", "temp"])
            }
        }
    }

    func deletePort(_ name: String, passthroughLink link: String?) {
        HostCommand.attempt(["ip", "link", "del", name])
        if let link { restoreMAC(of: link) }
    }

    /// A running guest's tap off its bridge (if it has one) and onto `bridge`.
    func moveTap(_ tap: String, to bridge: String) throws {
        HostCommand.attempt(["ip", "link", "set", "dev", tap, "nomaster"])
        try HostCommand.run(["ip", "link", "set", "dev", tap, "master", bridge])
        HostCommand.attempt(["ip", "link", "set", "dev", tap, "up"])
    }

    /// Puts guests' taps that still exist back on a (re)started network's bridge.
    func reattachTaps(_ taps: Set<String>, bridge: String) {
        for tap in taps where HostCommand.interfaceExists(tap) {
            HostCommand.attempt(["ip", "link", "set", "dev", tap, "master", bridge])
            HostCommand.attempt(["ip", "link", "set", "dev", tap, "up"])
        }
    }

    func macvtapLink(_ name: String) -> String? {
        let dir = "/sys/class/net/\(name)"
        guard FileManager.default.fileExists(atPath: dir + "/macvtap"),
            let entries = try? FileManager.default.contentsOfDirectory(atPath: dir)
        else { return nil }
        return entries.first { $0.hasPrefix("lower_") }.map { String($0.dropFirst("lower_".count)) }
    }

    // MARK: passthrough

    /// Where a passthrough interface's own MAC is kept while a guest's MAC is on it (libvirt keeps the same in
    /// its state directory), so a restarted daemon still restores it.
    private func savedMACPath(_ link: String) -> String { "\(runDirectory)/\(link).hostmac" }

    /// macvtap passthrough gives the guest the whole interface: as libvirt, it takes the guest's MAC.
    private func takeOverMAC(of link: String, for mac: MACAddress) throws {
        guard let current = readProcFile("/sys/class/net/\(link)/address")?.trimmingWhitespace(), !current.isEmpty
        else { throw NetworkError.noHostInterface(link) }
        if !FileManager.default.fileExists(atPath: savedMACPath(link)) {
            try AtomicFile.write(current + "\n", to: savedMACPath(link), mode: 0o600)
        }
        try HostCommand.run(["ip", "link", "set", "dev", link, "address", mac.description])
    }

    private func restoreMAC(of link: String) {
        guard let saved = readProcFile(savedMACPath(link))?.trimmingWhitespace(), !saved.isEmpty else { return }
        HostCommand.attempt(["ip", "link", "set", "dev", link, "address", saved])
        AtomicFile.remove(savedMACPath(link))
    }

    // MARK: bandwidth

    /// libvirt's tc setup for a `<bandwidth>`; a step the kernel cannot do (a missing qdisc or action) undoes the
    /// rest and refuses, naming the element.
    func applyBandwidth(_ b: NetworkBandwidth, device: String, hierarchical: Bool, swapped: Bool, element: String)
        throws
    {
        clearBandwidth(device)
        for argv in NetworkBandwidthTC.commands(b, device: device, hierarchical: hierarchical, swapped: swapped) {
            do { try HostCommand.run(["tc"] + argv) } catch let e as HostCommandError {
                clearBandwidth(device)
                throw NetworkError.cannotHonour(
                    element, "the bandwidth limit cannot be set on \(device): \(e.description)")
            }
        }
    }

    func clearBandwidth(_ device: String) {
        for argv in NetworkBandwidthTC.clear(device: device) { HostCommand.attempt(["tc"] + argv) }
    }
}
