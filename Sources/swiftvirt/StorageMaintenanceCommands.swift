import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

// Pool and volume verbs beyond create/list/delete, with virsh's arguments and messages.

struct PoolBuild: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-build", abstract: "Build a pool (make a dir pool's directory).")
    @OptionGroup var target: PoolTarget
    var outcome: String { "built" }
    func perform(_ p: RemoteNonnullStoragePool, _ c: VirtConnection) async throws { try await c.build(p) }
}

struct PoolRefresh: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-refresh", abstract: "Rescan a pool (files added by hand appear).")
    @OptionGroup var target: PoolTarget
    var outcome: String { "refreshed" }
    func perform(_ p: RemoteNonnullStoragePool, _ c: VirtConnection) async throws { try await c.refresh(p) }
}

struct PoolDumpXML: ObjectCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-dumpxml", abstract: "Print a pool's XML.")
    @OptionGroup var target: PoolTarget
    @Flag(help: "The persistent definition rather than the running one.") var inactive = false
    func act(on pool: RemoteNonnullStoragePool, connection conn: VirtConnection) async throws -> String {
        // VIR_STORAGE_XML_INACTIVE = 1.
        trimmed(try await conn.xmlDescription(pool, flags: inactive ? 1 : 0))
    }
}

struct VolDumpXML: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "vol-dumpxml", abstract: "Print a volume's XML.")
    @OptionGroup var target: VolumeTarget
    func act(on vol: RemoteNonnullStorageVol, connection conn: VirtConnection) async throws -> String {
        trimmed(try await conn.xmlDescription(vol))
    }
}

struct VolClone: ObjectCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-clone", abstract: "Copy a volume into a new one in the same pool.")
    @OptionGroup var target: VolumeTarget
    @Argument(help: "Name of the new volume.") var newname: String
    @Flag(help: "Preallocate metadata only (qcow2).") var preallocMetadata = false

    func act(on source: RemoteNonnullStorageVol, connection conn: VirtConnection) async throws -> String {
        let pool = try await conn.lookupStoragePool(source.pool)
        // As virsh: the source's own description with only the name changed.
        let xml = try renamedVolumeXML(try await conn.xmlDescription(source), to: newname)
        _ = try await conn.createVolume(in: pool, xml: xml, from: source, flags: preallocMetadata ? 1 : 0)
        return "Vol \(newname) cloned from \(source.name)"
    }

    /// `xml` with its first `<name>` element's text replaced.
    func renamedVolumeXML(_ xml: String, to name: String) throws(CommandFailure) -> String {
        guard let open = xml.range(of: "<name>"),
            let close = xml.range(of: "</name>", range: open.upperBound..<xml.endIndex)
        else {
            throw CommandFailure(message: "the source volume's XML has no <name> element", hint: nil)
        }
        return xml.replacingCharacters(in: open.upperBound..<close.lowerBound, with: StorageListing.xmlEscaped(name))
    }
}

struct VolCreateFrom: HostCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-create-from",
        abstract: "Create a volume from an XML file, filled from an existing volume (copy or conversion).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool to create the volume in.") var pool: String
    @Argument(help: "File with the new volume's XML.", completion: .file()) var file: String
    @Argument(help: "Input volume: name (with --inputpool), path or key.") var vol: String
    @Option(help: "Pool of the input volume.") var inputpool: String?
    @Flag(help: "Preallocate metadata only (qcow2).") var preallocMetadata = false
    func output(_ conn: VirtConnection) async throws -> String {
        let xml: String
        do {
            xml = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CommandFailure(message: "Failed to read file '\(file)' to create vol from", hint: nil)
        }
        let source = try await conn.lookupVolume(vol, pool: inputpool)
        let created = try await conn.createVolume(
            in: try await conn.lookupStoragePool(pool), xml: xml, from: source, flags: preallocMetadata ? 1 : 0)
        return "Vol \(created.name) created from input vol \(source.name)"
    }
}

struct VolResize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-resize", abstract: "Change a volume's capacity (a leading '-' shrinks by that much).")
    @OptionGroup var target: VolumeTarget
    @Argument(help: "New capacity, e.g. 2G; with --delta (or a leading '-') the change.") var capacity: String
    @Flag(help: "Allocate the new space.") var allocate = false
    @Flag(help: "The capacity is a change, not the new size.") var delta = false
    @Flag(help: "Allow shrinking.") var shrink = false

    func run() async throws {
        try await target.connection.withConnection { conn in
            // virStorageVolResizeFlags: 1 allocate, 2 delta, 4 shrink.
            var flags: UInt32 = (allocate ? 1 : 0) | (delta ? 2 : 0) | (shrink ? 4 : 0)
            var text = Substring(capacity)
            if text.hasPrefix("-") {
                text = text.dropFirst()
                guard shrink else {
                    throw CommandFailure(message: "negative size requires --shrink", hint: nil)
                }
                flags |= 2
            }
            let bytes = try StorageListing.parseSize(String(text), what: "capacity")
            let vol = try await target.lookup(through: conn)
            try await conn.resize(vol, capacity: bytes, flags: flags)
            print("Size of volume '\(vol.name)' successfully changed \(flags & 2 != 0 ? "by" : "to") \(text)")
        }
    }
}

struct VolWipe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vol-wipe", abstract: "Overwrite a volume's data (zeros unless --algorithm says otherwise).")
    @OptionGroup var target: VolumeTarget
    @Option(help: "zero, nnsa, dod, bsi, gutmann, schneier, pfitzner7, pfitzner33, random or trim.")
    var algorithm: String?

    static let algorithms = [
        "zero", "nnsa", "dod", "bsi", "gutmann", "schneier", "pfitzner7", "pfitzner33", "random", "trim",
    ]

    func run() async throws {
        try await target.connection.withConnection { conn in
            var number: UInt32 = 0
            if let algorithm {
                guard let index = Self.algorithms.firstIndex(of: algorithm) else {
                    throw CommandFailure(
                        message: "Unsupported algorithm '\(algorithm)'",
                        hint: "one of \(Self.algorithms.joined(separator: ", "))")
                }
                number = UInt32(index)
            }
            let vol = try await target.lookup(through: conn)
            try await conn.wipe(vol, algorithm: number)
            print("Vol \(target.vol) wiped")
        }
    }
}
