import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

/// What net-list and net-info show about one network.
struct NetworkFacts: ObjectFacts {
    var net: RemoteNonnullNetwork
    var active: Bool
    var persistent: Bool
    var autostart: Bool
    var bridge: String?

    init(_ net: RemoteNonnullNetwork, _ conn: VirtConnection) async throws(VirtClientError) {
        self.net = net
        active = try await conn.isActive(net)
        persistent = try await conn.isPersistent(net)
        autostart = try await conn.autostart(net)
        // Networks without a bridge (e.g. forward mode hostdev) answer an error; virsh then leaves it out.
        bridge = try? await conn.bridgeName(net)
    }

    var json: JSONValue {
        .object([
            ("name", .string(net.name)), ("uuid", .string(DomainUUID.format(net.uuid))), ("active", .bool(active)),
            ("persistent", .bool(persistent)), ("autostart", .bool(autostart)),
            ("bridge", bridge.map { .string($0) } ?? .null),
        ])
    }

    var text: String {
        var rows = [
            ("Name", net.name), ("UUID", DomainUUID.format(net.uuid)), ("Active", StorageListing.yesNo(active)),
            ("Persistent", StorageListing.yesNo(persistent)), ("Autostart", StorageListing.yesNo(autostart)),
        ]
        if let bridge { rows.append(("Bridge", bridge)) }
        return StorageListing.block(rows)
    }
}

struct NetList: HostCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-list", abstract: "List networks (active ones unless --all/--inactive).")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Include inactive networks.") var all = false
    @Flag(help: "Only inactive networks.") var inactive = false
    @Flag(help: "Print JSON: the net-info --json object of each network.") var json = false

    func output(_ conn: VirtConnection) async throws -> String {
        // libvirt's LIST_NETWORKS bits: 1 inactive, 2 active.
        let flags: UInt32 = all ? 0 : inactive ? 1 : 2
        let nets = try await conn.listAllNetworks(flags: flags).sorted(by: { $0.name < $1.name })
        let facts = try await NetworkFacts.of(nets, conn)
        if json { return JSONValue.array(facts.map(\.json)).rendered() }
        let rows = facts.map { f in
            [
                f.net.name, f.active ? "active" : "inactive", StorageListing.yesNo(f.autostart),
                StorageListing.yesNo(f.persistent),
            ]
        }
        return DomainListing.table(header: ["Name", "State", "Autostart", "Persistent"], rows: rows)
    }
}

struct NetInfo: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "net-info", abstract: "Show a network's facts.")
    @OptionGroup var target: NetworkTarget
    @Flag(help: "Print JSON: {name, uuid, active, persistent, autostart, bridge}.") var json = false
    func act(on net: RemoteNonnullNetwork, connection conn: VirtConnection) async throws -> String {
        try await NetworkFacts(net, conn).rendered(json: json)
    }
}

struct NetStart: OutcomeCommand {
    static let configuration = CommandConfiguration(commandName: "net-start", abstract: "Start a defined network.")
    @OptionGroup var target: NetworkTarget
    var outcome: String { "started" }
    func perform(_ n: RemoteNonnullNetwork, _ c: VirtConnection) async throws { try await c.start(n) }
}

struct NetDestroy: OutcomeCommand {
    static let configuration = CommandConfiguration(commandName: "net-destroy", abstract: "Stop a network.")
    @OptionGroup var target: NetworkTarget
    var outcome: String { "destroyed" }
    func perform(_ n: RemoteNonnullNetwork, _ c: VirtConnection) async throws { try await c.destroy(n) }
}

struct NetDumpXML: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "net-dumpxml", abstract: "Print a network's XML.")
    @OptionGroup var target: NetworkTarget
    @Flag(help: "The persistent definition rather than the live one.") var inactive = false
    func act(on net: RemoteNonnullNetwork, connection conn: VirtConnection) async throws -> String {
        // virsh prints the XML (which ends in a newline) and one more newline.
        try await conn.xmlDescription(net, flags: inactive ? 1 : 0)
    }
}
