import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

/// What a command names on its command line, and the connection that reaches it: finds the object as virsh
/// finds it (a domain by name, id or uuid; a pool or network by name or uuid; a volume by name with --pool,
/// path or key).
protocol LookupTarget: ParsableArguments {
    associatedtype Object
    var connection: ConnectionOptions { get }
    func lookup(through conn: VirtConnection) async throws(VirtClientError) -> Object
}

/// The commands that look one object up, make their calls and print what they return: a verb declares its
/// arguments and says in `act` what to do with the object. (`HostCommand` is the same for the connection alone.)
protocol ObjectCommand: AsyncParsableCommand {
    associatedtype Target: LookupTarget
    var target: Target { get }
    /// Makes the verb's calls on `object` and returns the text to print (`print` adds the final newline).
    func act(on object: Target.Object, connection conn: VirtConnection) async throws -> String
}

extension ObjectCommand {
    func run() async throws {
        try await target.connection.withConnection { conn in
            let object = try await target.lookup(through: conn)
            print(try await act(on: object, connection: conn))
        }
    }
}

/// The domain a command acts on and the connection that reaches it.
struct DomainTarget: LookupTarget {
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String

    func lookup(through conn: VirtConnection) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await conn.lookupDomain(domain)
    }
}

struct NetworkTarget: LookupTarget {
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name or uuid.") var network: String

    func lookup(through conn: VirtConnection) async throws(VirtClientError) -> RemoteNonnullNetwork {
        try await conn.lookupNetwork(network)
    }
}

struct PoolTarget: LookupTarget {
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Pool name or uuid.") var pool: String

    func lookup(through conn: VirtConnection) async throws(VirtClientError) -> RemoteNonnullStoragePool {
        try await conn.lookupStoragePool(pool)
    }
}

/// A volume argument: a name with --pool, or a path or key alone (as virsh takes it).
struct VolumeTarget: LookupTarget {
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Volume name (with --pool), path or key.") var vol: String
    @Option(help: "Pool holding the volume.") var pool: String?

    func lookup(through conn: VirtConnection) async throws(VirtClientError) -> RemoteNonnullStorageVol {
        try await conn.lookupVolume(vol, pool: pool)
    }
}

/// A volume given by its key or path only (vol-name, vol-pool take no --pool).
struct VolumeKeyOrPath: LookupTarget {
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Volume key or path.") var vol: String

    func lookup(through conn: VirtConnection) async throws(VirtClientError) -> RemoteNonnullStorageVol {
        try await conn.lookupVolume(vol)
    }
}

/// A domain, network or pool as the wire hands it over, and as virsh names it in the line that reports what a
/// verb did: "Domain 'vm1' started", "Network default destroyed", "Pool default built".
protocol NamedObject {
    var name: String { get }
    var uuid: [UInt8] { get }
    var title: String { get }
}

extension RemoteNonnullDomain: NamedObject { var title: String { "Domain '\(name)'" } }
extension RemoteNonnullNetwork: NamedObject { var title: String { "Network \(name)" } }
extension RemoteNonnullStoragePool: NamedObject { var title: String { "Pool \(name)" } }

/// A verb that makes one call on a domain, network or pool and reports what it did.
protocol OutcomeCommand: ObjectCommand where Target.Object: NamedObject {
    /// What the report says happened ("started", "has been undefined").
    var outcome: String { get }
    func perform(_ object: Target.Object, _ conn: VirtConnection) async throws
}

extension OutcomeCommand {
    func act(on object: Target.Object, connection conn: VirtConnection) async throws -> String {
        try await perform(object, conn)
        return "\(object.title) \(outcome)"
    }
}

/// autostart, net-autostart and pool-autostart.
protocol AutostartCommand: OutcomeCommand {
    var disable: Bool { get }
}

extension AutostartCommand {
    var outcome: String { "\(disable ? "unmarked" : "marked") as autostarted" }
}

/// domuuid, net-uuid and pool-uuid.
protocol UUIDCommand: ObjectCommand where Target.Object: NamedObject {}

extension UUIDCommand {
    func act(on object: Target.Object, connection conn: VirtConnection) async throws -> String {
        DomainUUID.format(object.uuid)
    }
}

/// define, create and their net- and pool- twins: an object made from an XML file, reported as virsh does
/// ("Network default defined from default.xml").
protocol DefinitionCommand: HostCommand {
    associatedtype Object: NamedObject
    var file: String { get }
    /// "defined" or "created".
    var outcome: String { get }
    func submit(_ xml: String, _ conn: VirtConnection) async throws -> Object
}

extension DefinitionCommand {
    func output(_ conn: VirtConnection) async throws -> String {
        let object = try await submit(try FileHandleWriter.readText(path: file), conn)
        return "\(object.title) \(outcome) from \(file)"
    }
}

/// What the info and list verbs show of one network, pool or volume: virsh's block of `Key: value` lines, or
/// JSON.
protocol ObjectFacts {
    associatedtype Object
    init(_ object: Object, _ conn: VirtConnection) async throws(VirtClientError)
    var json: JSONValue { get }
    var text: String { get }
}

extension ObjectFacts {
    func rendered(json: Bool) -> String { json ? self.json.rendered() : text }

    /// The facts of each object, in the order given (the list verbs' rows).
    static func of(_ objects: [Object], _ conn: VirtConnection) async throws(VirtClientError) -> [Self] {
        var facts: [Self] = []
        for object in objects { facts.append(try await Self(object, conn)) }
        return facts
    }
}
