import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

struct VolList: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "vol-list", abstract: "List the volumes of a pool.")
    @OptionGroup var target: PoolTarget
    @Flag(help: "Show type, capacity and allocation.") var details = false
    @Flag(help: "Print JSON: the vol-info --json object of each volume.") var json = false

    func act(on pool: RemoteNonnullStoragePool, connection conn: VirtConnection) async throws -> String {
        let vols = try await conn.listAllVolumes(pool).sorted(by: { $0.name < $1.name })
        let facts = try await VolumeFacts.of(vols, conn)
        if json { return JSONValue.array(facts.map(\.json)).rendered() }
        if details {
            let rows = facts.map { f in
                [
                    f.vol.name, f.path, StorageListing.volumeTypeName(f.info.type),
                    StorageListing.capacity(f.info.capacity), StorageListing.capacity(f.info.allocation),
                ]
            }
            return DomainListing.table(header: ["Name", "Path", "Type", "Capacity", "Allocation"], rows: rows)
        }
        return DomainListing.table(header: ["Name", "Path"], rows: facts.map { [$0.vol.name, $0.path] })
    }
}

/// What vol-list and vol-info show about one volume.
struct VolumeFacts: ObjectFacts {
    var vol: RemoteNonnullStorageVol
    var path: String
    var info: StorageVolGetInfoRet

    init(_ vol: RemoteNonnullStorageVol, _ conn: VirtConnection) async throws(VirtClientError) {
        self.vol = vol
        path = try await conn.path(vol)
        info = try await conn.info(vol)
    }

    var json: JSONValue {
        .object([
            ("name", .string(vol.name)), ("pool", .string(vol.pool)), ("path", .string(path)),
            ("key", .string(vol.key)), ("type", .string(StorageListing.volumeTypeName(info.type))),
            ("capacity", StorageListing.bytes(info.capacity)), ("allocation", StorageListing.bytes(info.allocation)),
        ])
    }

    var text: String {
        StorageListing.block([
            ("Name", vol.name), ("Type", StorageListing.volumeTypeName(info.type)),
            ("Capacity", StorageListing.capacity(info.capacity)),
            ("Allocation", StorageListing.capacity(info.allocation)),
        ])
    }
}

struct VolInfo: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "vol-info", abstract: "Show a volume's facts.")
    @OptionGroup var target: VolumeTarget
    @Flag(help: "Print JSON: {name, pool, path, key, type, capacity, allocation}.") var json = false
    func act(on vol: RemoteNonnullStorageVol, connection conn: VirtConnection) async throws -> String {
        try await VolumeFacts(vol, conn).rendered(json: json)
    }
}

struct VolDelete: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "vol-delete", abstract: "Delete a volume.")
    @OptionGroup var target: VolumeTarget
    func act(on vol: RemoteNonnullStorageVol, connection conn: VirtConnection) async throws -> String {
        try await conn.delete(vol)
        return "Vol \(target.vol) deleted"
    }
}

struct VolCreateAs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-create-as", abstract: "Create a volume from a name and a capacity.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool name or uuid.") var pool: String
    @Argument(help: "Volume name.") var name: String
    @Argument(help: "Capacity, e.g. 20M or 10GiB (bytes when no unit).") var capacity: String
    @Option(help: "Initial allocation (same units).") var allocation: String?
    @Option(help: "Image format: raw or qcow2.") var format: String?
    @Flag(help: "Print the XML instead of creating the volume.") var printXml = false

    func run() async throws {
        let xml: String
        do {
            xml = try volumeXML()
        } catch {
            report(ErrorReport(message: error.message, hint: error.hint))
            throw ExitCode(1)
        }
        if printXml {
            print(xml, terminator: "")
            return
        }
        try await connection.withConnection { conn in
            _ = try await conn.createVolume(in: try await conn.lookupStoragePool(pool), xml: xml)
            print("Vol \(name) created")
        }
    }

    private func volumeXML() throws(CommandFailure) -> String {
        var xml = "<volume>\n  <name>\(StorageListing.xmlEscaped(name))</name>\n"
        xml += "  <capacity>\(try StorageListing.parseSize(capacity, what: "capacity"))</capacity>\n"
        if let allocation {
            xml += "  <allocation>\(try StorageListing.parseSize(allocation, what: "allocation"))</allocation>\n"
        }
        if let format {
            xml += "  <target>\n    <format type='\(StorageListing.xmlEscaped(format))'/>\n  </target>\n"
        }
        return xml + "</volume>\n"
    }
}

struct VolUpload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-upload", abstract: "Upload a file's contents into a volume (streamed, with progress).")
    @OptionGroup var target: VolumeTarget
    @Argument(help: "File to read.", completion: .file()) var file: String
    @Option(help: "Volume offset to start writing at.") var offset: UInt64 = 0
    @Option(help: "Bytes to write at most (0: the whole file).") var length: UInt64 = 0

    func run() async throws {
        try await target.connection.withConnection { conn in
            let vol = try await target.lookup(through: conn)
            try await VolumeTransfer.upload(file: file, to: vol, offset: offset, length: length, conn: conn)
        }
    }
}

struct VolDownload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-download", abstract: "Download a volume's contents into a file (streamed, with progress).")
    @OptionGroup var target: VolumeTarget
    @Argument(help: "File to write.", completion: .file()) var file: String
    @Option(help: "Volume offset to start reading at.") var offset: UInt64 = 0
    @Option(help: "Bytes to read at most (0: to the end).") var length: UInt64 = 0
    @Flag(help: "Ask the daemon for a sparse stream: runs of zeros are not sent at all.") var sparse = false

    func run() async throws {
        try await target.connection.withConnection { conn in
            let vol = try await target.lookup(through: conn)
            try await VolumeTransfer.download(
                vol, to: file, offset: offset, length: length, sparse: sparse, conn: conn)
        }
    }
}
