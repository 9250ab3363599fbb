import ArgumentParser
import Foundation
import SwiftVirtClient
import SwiftVirtCore
import SwiftVirtWire

/// The text virsh prints for absent values in its tables.
private func orDash(_ text: String?) -> String { (text?.isEmpty ?? true) ? "-" : text ?? "-" }

struct NetDHCPLeases: ObjectCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-dhcp-leases", abstract: "List the DHCP leases a network's dnsmasq has handed out.")
    @OptionGroup var target: NetworkTarget
    @Option(help: "Only the leases of this MAC address.") var mac: String?
    @Flag(help: "Print JSON: [{expiryTime, mac, protocol, ipAddress, prefix, hostname, clientID, interface}].")
    var json = false

    func act(on net: RemoteNonnullNetwork, connection conn: VirtConnection) async throws -> String {
        // virsh sorts by MAC address.
        let leases = try await conn.dhcpLeases(net, mac: mac).sorted { ($0.mac ?? "") < ($1.mac ?? "") }
        if json { return JSONValue.array(leases.map(Self.json)).rendered() }
        let rows = leases.map { l in
            [
                Self.localTime(l.expirytime), orDash(l.mac), l.type == 0 ? "ipv4" : "ipv6",
                "\(l.ipaddr)/\(l.prefix)", orDash(l.hostname), orDash(l.clientid),
            ]
        }
        return DomainListing.table(
            header: ["Expiry Time", "MAC address", "Protocol", "IP address", "Hostname", "Client ID or DUID"],
            rows: rows)
    }

    static func json(_ l: RemoteNetworkDhcpLease) -> JSONValue {
        .object([
            ("expiryTime", .int(l.expirytime)), ("mac", l.mac.map { .string($0) } ?? .null),
            ("protocol", .string(l.type == 0 ? "ipv4" : "ipv6")), ("ipAddress", .string(l.ipaddr)),
            ("prefix", .int(l.prefix)), ("hostname", l.hostname.map { .string($0) } ?? .null),
            ("clientID", l.clientid.map { .string($0) } ?? .null), ("interface", .string(l.iface)),
        ])
    }

    /// "YYYY-MM-DD HH:MM:SS" in local time, as virsh prints lease expiry.
    static func localTime(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

struct DomIfList: ObjectCommand {
    static let configuration = CommandConfiguration(
        commandName: "domiflist", abstract: "List a domain's network interfaces.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "From the persistent definition rather than the live one.") var inactive = false
    @Flag(help: "Print JSON: [{interface, type, source, model, mac}].") var json = false

    /// One `<interface>` of the domain XML: the columns virsh shows.
    struct Row {
        var interface, type, source, model, mac: String?
        var cells: [String] { [interface, type, source, model, mac].map(orDash) }
        var json: JSONValue {
            .object(
                zip(["interface", "type", "source", "model", "mac"], [interface, type, source, model, mac]).map {
                    ($0, $1.map { .string($0) } ?? .null)
                })
        }
    }

    static func rows(domainXML: String) throws -> [Row] {
        let root: XMLElement
        do { root = try XMLParser.parse(domainXML) } catch {
            throw CommandFailure(message: "the daemon's domain XML does not parse: \(error)", hint: nil)
        }
        let devices = root.childElements.first { $0.name == "devices" }?.childElements ?? []
        return devices.filter { $0.name == "interface" }.map { nic in
            func child(_ name: String) -> XMLElement? { nic.childElements.first { $0.name == name } }
            // virsh takes the first of these <source> attributes.
            let sourceKeys = ["bridge", "dev", "network", "name", "path"]
            let source = child("source")?.attributes.first { sourceKeys.contains($0.name) }?.value
            return Row(
                interface: child("target")?[attribute: "dev"], type: nic[attribute: "type"], source: source,
                model: child("model")?[attribute: "type"], mac: child("mac")?[attribute: "address"])
        }
    }

    func act(on dom: RemoteNonnullDomain, connection conn: VirtConnection) async throws -> String {
        let rows = try Self.rows(domainXML: try await conn.xmlDescription(dom, flags: inactive ? 2 : 0))
        if json { return JSONValue.array(rows.map(\.json)).rendered() }
        return DomainListing.table(header: ["Interface", "Type", "Source", "Model", "MAC"], rows: rows.map(\.cells))
    }
}

struct DomIfAddr: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domifaddr", abstract: "Show the IP addresses of a running domain's interfaces.")
    @OptionGroup var target: DomainTarget
    @Option(help: "Only this interface (its target device name).") var interface: String?
    @Flag(help: "Repeat the name and MAC on every address line.") var full = false
    @Option(help: "Where the addresses come from: lease (default), arp or agent.") var source = "lease"
    @Flag(help: "Print JSON: [{name, mac, addresses: [{protocol, address, prefix}]}].") var json = false

    func run() async throws {
        let sources: [String: InterfaceAddressSource] = ["lease": .lease, "arp": .arp, "agent": .agent]
        guard let from = sources[source] else {
            throw ValidationError("unknown --source '\(source)' (lease, arp, agent)")
        }
        try await target.connection.withConnection { conn in
            let dom = try await target.lookup(through: conn)
            let ifaces = try await conn.interfaceAddresses(dom, source: from).filter {
                interface == nil || $0.name == interface
            }
            if json {
                print(JSONValue.array(ifaces.map(Self.json)).rendered())
                return
            }
            print(Self.text(ifaces, full: full))
        }
    }

    static func json(_ iface: RemoteDomainInterface) -> JSONValue {
        .object([
            ("name", .string(iface.name)), ("mac", iface.hwaddr.map { .string($0) } ?? .null),
            (
                "addresses",
                .array(
                    iface.addrs.map {
                        .object([
                            ("protocol", .string($0.type == 0 ? "ipv4" : "ipv6")), ("address", .string($0.addr)),
                            ("prefix", .int($0.prefix)),
                        ])
                    })
            ),
        ])
    }

    /// virsh's fixed-width layout (not its table): name 10 wide, MAC 17, protocol 12.
    static func text(_ ifaces: [RemoteDomainInterface], full: Bool) -> String {
        func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        var lines = [
            " \(pad("Name", 10)) \(pad("MAC address", 20)) \(pad("Protocol", 8))     Address",
            String(repeating: "-", count: 79),
        ]
        for iface in ifaces {
            guard !iface.addrs.isEmpty else {
                lines.append(" \(pad(iface.name, 10)) \(pad(iface.hwaddr ?? "N/A", 17))    N/A")
                continue
            }
            for (index, addr) in iface.addrs.enumerated() {
                let first = full || index == 0
                let proto = pad(addr.type == 0 ? "ipv4" : "ipv6", 12)
                lines.append(
                    " \(pad(first ? iface.name : "-", 10)) \(pad(first ? iface.hwaddr ?? "" : "-", 17))    "
                        + "\(proto) \(addr.addr)/\(addr.prefix)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
