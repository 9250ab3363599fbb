import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

// vol-create from an XML file, and the one-value volume queries, with virsh 9.0's arguments and output.

struct VolCreate: HostCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-create", abstract: "Create a volume in a pool from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool name or uuid.") var pool: String
    @Argument(help: "Volume XML file.", completion: .file(extensions: ["xml"])) var file: String
    @Flag(help: "Preallocate metadata only (qcow2).") var preallocMetadata = false
    @Flag(help: "Validate the XML against the schema.") var validate = false
    func output(_ conn: VirtConnection) async throws -> String {
        let xml = try FileHandleWriter.readText(path: file)
        // virStorageVolCreateFlags: 1 prealloc metadata, 4 validate.
        let flags: UInt32 = (preallocMetadata ? 1 : 0) | (validate ? 4 : 0)
        let vol = try await conn.createVolume(in: try await conn.lookupStoragePool(pool), xml: xml, flags: flags)
        return "Vol \(vol.name) created from \(file)"
    }
}

struct VolPath: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "vol-path", abstract: "Print a volume's path.")
    @OptionGroup var target: VolumeTarget
    func act(on vol: RemoteNonnullStorageVol, connection conn: VirtConnection) async throws -> String {
        try await conn.path(vol)
    }
}

struct VolKey: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "vol-key", abstract: "Print a volume's key.")
    @OptionGroup var target: VolumeTarget
    func act(on vol: RemoteNonnullStorageVol, connection conn: VirtConnection) async throws -> String { vol.key }
}

struct VolName: ObjectCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-name", abstract: "Print the name of the volume with this key or path.")
    @OptionGroup var target: VolumeKeyOrPath
    func act(on vol: RemoteNonnullStorageVol, connection conn: VirtConnection) async throws -> String { vol.name }
}

struct VolPool: ObjectCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-pool", abstract: "Print the pool holding the volume with this key or path.")
    @OptionGroup var target: VolumeKeyOrPath
    @Flag(help: "Print the pool's uuid rather than its name.") var uuid = false
    func act(on vol: RemoteNonnullStorageVol, connection conn: VirtConnection) async throws -> String {
        let pool = try await conn.storagePool(containing: vol)
        return uuid ? DomainUUID.format(pool.uuid) : pool.name
    }
}
