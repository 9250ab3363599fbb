import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

struct PoolList: HostCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-list", abstract: "List storage pools (active ones unless --all/--inactive).")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Include inactive pools.") var all = false
    @Flag(help: "Only inactive pools.") var inactive = false
    @Flag(help: "Show state, persistence and sizes.") var details = false
    @Flag(help: "Print JSON: the pool-info --json object of each pool.") var json = false

    func output(_ conn: VirtConnection) async throws -> String {
        // libvirt's LIST_STORAGE_POOLS bits: 1 inactive, 2 active.
        let flags: UInt32 = all ? 0 : inactive ? 1 : 2
        let pools = try await conn.listAllStoragePools(flags: flags).sorted(by: { $0.name < $1.name })
        let facts = try await PoolFacts.of(pools, conn)
        if json { return JSONValue.array(facts.map(\.json)).rendered() }
        if details {
            let rows = facts.map { f in
                [
                    f.pool.name, StorageListing.poolStateName(f.info.state), StorageListing.yesNo(f.autostart),
                    StorageListing.yesNo(f.persistent),
                ]
                    + (f.isRunning
                        ? [f.info.capacity, f.info.allocation, f.info.available].map(StorageListing.capacity)
                        : ["-", "-", "-"])
            }
            return DomainListing.table(
                header: ["Name", "State", "Autostart", "Persistent", "Capacity", "Allocation", "Available"], rows: rows)
        }
        let rows = facts.map { f in
            [f.pool.name, f.info.state == 0 ? "inactive" : "active", StorageListing.yesNo(f.autostart)]
        }
        return DomainListing.table(header: ["Name", "State", "Autostart"], rows: rows)
    }
}

/// What pool-list and pool-info show about one pool.
struct PoolFacts: ObjectFacts {
    var pool: RemoteNonnullStoragePool
    var info: StoragePoolGetInfoRet
    var persistent: Bool
    var autostart: Bool

    init(_ pool: RemoteNonnullStoragePool, _ conn: VirtConnection) async throws(VirtClientError) {
        self.pool = pool
        info = try await conn.info(pool)
        persistent = try await conn.isPersistent(pool)
        autostart = try await conn.autostart(pool)
    }

    /// Sizes mean something only for a running or degraded pool.
    var isRunning: Bool { info.state == 2 || info.state == 3 }

    var json: JSONValue {
        .object([
            ("name", .string(pool.name)), ("uuid", .string(DomainUUID.format(pool.uuid))),
            ("state", .string(StorageListing.poolStateName(info.state))), ("active", .bool(info.state != 0)),
            ("persistent", .bool(persistent)), ("autostart", .bool(autostart)),
            ("capacity", isRunning ? StorageListing.bytes(info.capacity) : .null),
            ("allocation", isRunning ? StorageListing.bytes(info.allocation) : .null),
            ("available", isRunning ? StorageListing.bytes(info.available) : .null),
        ])
    }

    var text: String {
        var rows = [
            ("Name", pool.name), ("UUID", DomainUUID.format(pool.uuid)),
            ("State", StorageListing.poolStateName(info.state)), ("Persistent", StorageListing.yesNo(persistent)),
            ("Autostart", StorageListing.yesNo(autostart)),
        ]
        if isRunning {
            rows += [
                ("Capacity", StorageListing.capacity(info.capacity)),
                ("Allocation", StorageListing.capacity(info.allocation)),
                ("Available", StorageListing.capacity(info.available)),
            ]
        }
        return StorageListing.block(rows)
    }
}

struct PoolInfo: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "pool-info", abstract: "Show a storage pool's facts.")
    @OptionGroup var target: PoolTarget
    @Flag(help: "Print JSON: {name, uuid, state, active, persistent, autostart, capacity, allocation, available}.")
    var json = false
    func act(on pool: RemoteNonnullStoragePool, connection conn: VirtConnection) async throws -> String {
        try await PoolFacts(pool, conn).rendered(json: json)
    }
}

struct PoolStart: OutcomeCommand {
    static let configuration = CommandConfiguration(commandName: "pool-start", abstract: "Start a defined pool.")
    @OptionGroup var target: PoolTarget
    var outcome: String { "started" }
    func perform(_ p: RemoteNonnullStoragePool, _ c: VirtConnection) async throws { try await c.start(p) }
}

struct PoolDestroy: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-destroy", abstract: "Stop a pool (its volumes stay on disk).")
    @OptionGroup var target: PoolTarget
    var outcome: String { "destroyed" }
    func perform(_ p: RemoteNonnullStoragePool, _ c: VirtConnection) async throws { try await c.destroy(p) }
}

struct PoolUndefine: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-undefine", abstract: "Remove an inactive pool's definition.")
    @OptionGroup var target: PoolTarget
    var outcome: String { "has been undefined" }
    func perform(_ p: RemoteNonnullStoragePool, _ c: VirtConnection) async throws { try await c.undefine(p) }
}

struct PoolDefineAs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-define-as", abstract: "Define a pool from a name, a type and a target path.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool name.") var name: String
    @Argument(help: "Pool type (dir).") var type: String
    @Option(help: "Target directory of a dir pool.", completion: .directory) var target: String?
    @Flag(help: "Print the XML instead of defining the pool.") var printXml = false

    /// The XML virsh builds from pool-define-as/pool-create-as arguments.
    static func xml(name: String, type: String, target: String?) -> String {
        var xml =
            "<pool type='\(StorageListing.xmlEscaped(type))'>\n  <name>\(StorageListing.xmlEscaped(name))</name>\n"
        if let target { xml += "  <target>\n    <path>\(StorageListing.xmlEscaped(target))</path>\n  </target>\n" }
        return xml + "</pool>\n"
    }

    func run() async throws {
        let xml = Self.xml(name: name, type: type, target: target)
        if printXml {
            print(xml, terminator: "")
            return
        }
        try await connection.withConnection { conn in
            let pool = try await conn.defineStoragePool(xml: xml)
            print("Pool \(pool.name) defined")
        }
    }
}
