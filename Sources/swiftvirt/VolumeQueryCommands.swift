import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

// vol-create from an XML file, and the one-value volume queries, with virsh 9.0's arguments and output.

struct VolCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-create", abstract: "Create a volume in a pool from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool name or uuid.") var pool: String
    @Argument(help: "Volume XML file.", completion: .file(extensions: ["xml"])) var file: String
    @Flag(help: "Preallocate metadata only (qcow2).") var preallocMetadata = false
    @Flag(help: "Validate the XML against the schema.") var validate = false

    func run() async throws {
        try await connection.withConnection { conn in
            let xml = try FileHandleWriter.readText(path: file)
            // virStorageVolCreateFlags: 1 prealloc metadata, 4 validate.
            let flags: UInt32 = (preallocMetadata ? 1 : 0) | (validate ? 4 : 0)
            let vol = try await conn.createVolume(in: try await conn.lookupStoragePool(pool), xml: xml, flags: flags)
            print("Vol \(vol.name) created from \(file)")
        }
    }
}

/// A query printing one value of a volume found as virsh finds it (a name with --pool, or a path or key).
protocol VolumeValueQuery: AsyncParsableCommand {
    var target: VolumeTarget { get }
    static func value(of vol: RemoteNonnullStorageVol, _ conn: VirtConnection) async throws(VirtClientError) -> String
}

extension VolumeValueQuery {
    func run() async throws {
        try await target.connection.withConnection { conn in
            print(try await Self.value(of: try await conn.lookupVolume(target.vol, pool: target.pool), conn))
        }
    }
}

struct VolPath: VolumeValueQuery {
    static let configuration = CommandConfiguration(commandName: "vol-path", abstract: "Print a volume's path.")
    @OptionGroup var target: VolumeTarget
    static func value(of v: RemoteNonnullStorageVol, _ c: VirtConnection) async throws(VirtClientError) -> String {
        try await c.path(v)
    }
}

struct VolKey: VolumeValueQuery {
    static let configuration = CommandConfiguration(commandName: "vol-key", abstract: "Print a volume's key.")
    @OptionGroup var target: VolumeTarget
    static func value(of v: RemoteNonnullStorageVol, _ c: VirtConnection) async throws(VirtClientError) -> String {
        v.key
    }
}

/// A volume given by its key or path only (vol-name, vol-pool take no --pool).
struct VolumeKeyOrPath: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Volume key or path.") var vol: String
}

struct VolName: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-name", abstract: "Print the name of the volume with this key or path.")
    @OptionGroup var target: VolumeKeyOrPath

    func run() async throws {
        try await target.connection.withConnection { conn in
            print(try await conn.lookupVolume(target.vol).name)
        }
    }
}

struct VolPool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-pool", abstract: "Print the pool holding the volume with this key or path.")
    @OptionGroup var target: VolumeKeyOrPath
    @Flag(help: "Print the pool's uuid rather than its name.") var uuid = false

    func run() async throws {
        try await target.connection.withConnection { conn in
            let pool = try await conn.storagePool(containing: try await conn.lookupVolume(target.vol))
            print(uuid ? DomainUUID.format(pool.uuid) : pool.name)
        }
    }
}
