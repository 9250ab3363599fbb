import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

// Pool definition, creation, deletion, autostart and identity verbs, with virsh 9.0's arguments and messages.

struct PoolDefine: DefinitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-define", abstract: "Define (or redefine) a persistent pool from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool XML file.", completion: .file(extensions: ["xml"])) var file: String
    @Flag(help: "Validate the XML against the schema.") var validate = false
    var outcome: String { "defined" }
    func submit(_ xml: String, _ c: VirtConnection) async throws -> RemoteNonnullStoragePool {
        // VIR_STORAGE_POOL_DEFINE_VALIDATE = 1.
        try await c.call(Remote.StoragePoolDefineXML.self, StoragePoolDefineXmlArgs(xml: xml, flags: validate ? 1 : 0))
            .pool
    }
}

/// virsh's --build, --overwrite and --no-overwrite of pool-create and pool-create-as.
struct PoolBuildOptions: ParsableArguments {
    @Flag(help: "Build the pool first (a dir pool: make its directory).") var build = false
    @Flag(help: "Build, refusing to overwrite existing data.") var noOverwrite = false
    @Flag(help: "Build, overwriting existing data.") var overwrite = false

    /// The flags, refusing --overwrite with --no-overwrite as virsh does (status 1, like a daemon error).
    func flags() throws(CommandFailure) -> StoragePoolStartFlags {
        if overwrite && noOverwrite {
            throw CommandFailure(message: "Options --overwrite and --no-overwrite are mutually exclusive", hint: nil)
        }
        var flags: StoragePoolStartFlags = []
        if build { flags.insert(.build) }
        if overwrite { flags.insert(.buildOverwrite) }
        if noOverwrite { flags.insert(.buildNoOverwrite) }
        return flags
    }
}

struct PoolCreate: DefinitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-create", abstract: "Create and start a transient pool from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool XML file.", completion: .file(extensions: ["xml"])) var file: String
    @OptionGroup var building: PoolBuildOptions
    var outcome: String { "created" }
    func submit(_ xml: String, _ c: VirtConnection) async throws -> RemoteNonnullStoragePool {
        try await c.createStoragePool(xml: xml, flags: try building.flags())
    }
}

struct PoolCreateAs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-create-as", abstract: "Create and start a transient pool from a name, a type and a target.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool name.") var name: String
    @Argument(help: "Pool type (dir).") var type: String
    @Option(help: "Target directory of a dir pool.", completion: .directory) var target: String?
    @Flag(help: "Print the XML instead of creating the pool.") var printXml = false
    @OptionGroup var building: PoolBuildOptions

    func run() async throws {
        let xml = PoolDefineAs.xml(name: name, type: type, target: target)
        if printXml {
            print(xml, terminator: "")
            return
        }
        try await connection.withConnection { conn in
            let pool = try await conn.createStoragePool(xml: xml, flags: try building.flags())
            print("Pool \(pool.name) created")
        }
    }
}

struct PoolDelete: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-delete", abstract: "Remove an inactive pool's storage (a dir pool: its empty directory).")
    @OptionGroup var target: PoolTarget
    var outcome: String { "deleted" }
    func perform(_ p: RemoteNonnullStoragePool, _ c: VirtConnection) async throws { try await c.deleteStorage(of: p) }
}

struct PoolAutostart: AutostartCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-autostart", abstract: "Start a pool when the daemon starts.")
    @OptionGroup var target: PoolTarget
    @Flag(help: "Turn autostart off instead.") var disable = false
    func perform(_ p: RemoteNonnullStoragePool, _ c: VirtConnection) async throws {
        try await c.setAutostart(p, !disable)
    }
}

struct PoolUUID: UUIDCommand {
    static let configuration = CommandConfiguration(commandName: "pool-uuid", abstract: "Print a pool's uuid.")
    @OptionGroup var target: PoolTarget
}

struct PoolName: HostCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-name", abstract: "Print the name of the pool with this uuid.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool uuid.") var uuid: String
    func output(_ conn: VirtConnection) async throws -> String {
        // As virsh: only a uuid is looked up; anything else is a pool that cannot be found.
        guard let bytes = DomainUUID.parse(uuid) else {
            throw CommandFailure(message: "failed to get pool '\(uuid)'", hint: "pool-name takes a pool's uuid")
        }
        let reply = try await conn.call(Remote.StoragePoolLookupByUUID.self, StoragePoolLookupByUuidArgs(uuid: bytes))
        return reply.pool.name
    }
}

struct FindStoragePoolSources: HostCommand {
    static let configuration = CommandConfiguration(
        commandName: "find-storage-pool-sources",
        abstract: "Print the <sources> XML of the pools of a type the host could serve (e.g. logical, netfs).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool type whose sources to discover.") var type: String
    @Option(name: .customLong("srcSpec"), help: "File with a <source> XML narrowing the search (e.g. a host).")
    var srcSpec: String?
    func output(_ conn: VirtConnection) async throws -> String {
        let spec = try srcSpec.map { path throws(CommandFailure) in try FileHandleWriter.readText(path: path) }
        return trimmed(try await conn.findStoragePoolSources(type: type, sourceSpec: spec))
    }
}
