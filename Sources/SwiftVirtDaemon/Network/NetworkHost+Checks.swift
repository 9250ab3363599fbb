import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// What a network needs of this host before it starts, refused in libvirt's words where libvirt refuses it, and
/// with VIR_ERR_CONFIG_UNSUPPORTED naming the element where SwiftVirt cannot honour what libvirt would do.
extension NetworkHost {
    /// The live definition: checked, and with a `<pf>`'s virtual functions as its interface pool.
    func prepareLive(_ n: NetworkDefinition) throws -> NetworkDefinition {
        var live = n
        if let pf = n.forward?.pf {
            let vfs = Self.virtualFunctions(of: pf)
            if n.mode != .hostdev { live.forward?.interfaces = vfs.compactMap(\.interface) }
            if vfs.isEmpty || live.forward?.interfaces.isEmpty == true && n.mode != .hostdev {
                throw NetworkError.internalError("No usable Vf's present on SRIOV PF \(pf)")
            }
        }
        if n.mode == .nat && (n.ips.contains(where: \.address.isIPv4) || n.forward?.nat?.ipv6 == true) {
            // As libvirt's firewall code: TCP and UDP are masqueraded into ports 1024-65535 unless told otherwise,
            // and the live definition says so.
            var nat = n.forward?.nat ?? NetworkNAT()
            let ports = nat.ports ?? 1024...65535
            if ports.lowerBound >= ports.upperBound {
                throw NetworkError.internalError("Invalid port range '\(ports.lowerBound)-\(ports.upperBound)'.")
            }
            nat.ports = ports
            live.forward?.nat = nat
        }
        if n.mode == .hostdev {
            throw NetworkError.cannotHonour(
                "network/forward", attribute: "mode",
                "guests of network '\(n.name)' would get SR-IOV virtual functions by PCI passthrough, which SwiftVirt "
                    + "does not do")
        }
        if let zone = n.bridge?.zone {
            guard Self.firewalldIsRunning() else {
                throw NetworkError.internalError("zone \(zone) requested for network \(n.name) but firewalld is not active")
            }
            throw NetworkError.cannotHonour(
                "network/bridge", attribute: "zone", "SwiftVirt does not put bridges into firewalld zones")
        }
        for ip in n.ips where ip.localPTR == true && NetworkHostConfig.ptrDomain(ip) == nil && n.wantsDNS {
            throw NetworkError.cannotHonour(
                "network/ip", attribute: "localPtr",
                "PTR domain for \(ip.address.isIPv4 ? "IPv4" : "IPv6") network with prefix \(ip.prefix) cannot be "
                    + "automatically created")
        }
        if n.ownsBridge && n.ips.contains(where: { $0.effectivePrefix == nil }) {
            throw NetworkError.internalError("bridge '\(n.bridge?.name ?? "")' has an invalid netmask or IP address")
        }
        try refuseNetworkWidePortSettings(n)
        return live
    }

    /// A network-wide `<virtualport>`, `<vlan>` or (on macvtap) `trustGuestRxFilters` would apply to every guest,
    /// and none can be honoured here: refused at start rather than at each guest's.
    private func refuseNetworkWidePortSettings(_ n: NetworkDefinition) throws {
        var probe = n
        probe.portGroups = []
        do {
            _ = try NetworkPortAllocation.plan(
                probe, bridge: n.bridge?.name ?? "", portGroup: nil, mac: nil, connections: [:])
        } catch let e as NetworkXMLError {
            throw e
        } catch {
            // Allocation errors (an empty pool) belong to guests, as in libvirt.
        }
    }

    /// The virtual functions of an SR-IOV physical function (sysfs `device/virtfnN`), with their network
    /// interface when a driver holds them.
    static func virtualFunctions(of pf: String) -> [(address: String, interface: String?)] {
        let dir = "/sys/class/net/\(pf)/device"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return entries.filter { $0.hasPrefix("virtfn") }.sorted().map { vf in
            let address = (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(dir)/\(vf)"))
                .map { String($0.split(separator: "/").last ?? "") } ?? vf
            let nets = (try? FileManager.default.contentsOfDirectory(atPath: "\(dir)/\(vf)/net")) ?? []
            return (address, nets.first)
        }
    }

    /// libvirt's check at define: an SR-IOV virtual function has a `physfn` link in sysfs.
    func isVirtualFunction(_ a: NetworkPCIAddress) -> Bool {
        FileManager.default.fileExists(atPath: "/sys/bus/pci/devices/\(a)/physfn")
    }

    /// firewalld runs when its pid file names a live process.
    static func firewalldIsRunning() -> Bool {
        guard let text = readProcFile("/run/firewalld/firewalld.pid"), let pid = Int32(text.trimmingWhitespace())
        else { return false }
        return kill(pid, 0) == 0
    }
}
