/// How libvirt dispatches a procedure (`@priority` in the `.x` files): high-priority calls never wait on a
/// hypervisor's monitor, so a server may answer them without queueing behind slow ones.
public enum ProcedurePriority: Sendable { case low, high }

/// Whether the procedure is a call with a reply or a one-way message (events, keepalive).
public enum ProcedureKind: Sendable { case call, message }

/// The data stream a procedure opens (`@readstream` / `@writestream`), seen from the client: `read` carries data
/// from the daemon to the client (downloads, consoles), `write` from the client (uploads).
public enum ProcedureStream: Sendable { case none, read, write }

/// Whether libvirt's public API refuses the call on a read-only connection (`virCheckReadOnlyGoto`, checked before
/// the driver is asked). Checks that depend on flags are the handler's.
public enum ReadOnlyRule: Sendable { case allowed, refused }

/// What the protocol definition says about one procedure. Plain data (numbers and static strings) so that the
/// generated descriptors' `info` constants are laid down at build time: the daemon touches 100-odd of them at
/// start-up, and initialising them at run time cost resident memory.
public struct ProcedureInfo: Sendable {
    public let program: UInt32
    public let number: Int32
    private let nameText: StaticString
    private let apiText: StaticString
    public let priority: ProcedurePriority
    public let kind: ProcedureKind
    public let stream: ProcedureStream
    public let readOnly: ReadOnlyRule
    /// The access rules, one per line.
    private let aclText: StaticString
    private let aclFilterText: StaticString

    public init(
        program: UInt32, number: Int32, name: StaticString, api: StaticString, priority: ProcedurePriority,
        kind: ProcedureKind, stream: ProcedureStream, readOnly: ReadOnlyRule, acl: StaticString,
        aclFilter: StaticString
    ) {
        self.program = program
        self.number = number
        self.nameText = name
        self.apiText = api
        self.priority = priority
        self.kind = kind
        self.stream = stream
        self.readOnly = readOnly
        self.aclText = acl
        self.aclFilterText = aclFilter
    }

    /// libvirt's constant, e.g. `REMOTE_PROC_DOMAIN_CREATE`.
    public var name: String { nameText.description }
    /// The public API function, e.g. `virDomainCreate`, used in libvirt's error messages.
    public var api: String { apiText.description }
    /// libvirt's access rules (`domain:start`, `domain:write:VIR_DOMAIN_AFFECT_CONFIG`, ...).
    public var acl: [String] { Self.lines(aclText) }
    /// The permission each object of a returned list must grant to be shown (`domain:getattr`).
    public var aclFilter: [String] { Self.lines(aclFilterText) }

    private static func lines(_ text: StaticString) -> [String] {
        text.description.split(separator: "\n").map(String.init)
    }
}

/// One procedure of one program: its number and annotations, and the types of its arguments and reply. The
/// generated descriptors (`Remote.DomainCreate`, `Qemu.DomainMonitorCommand`, ...) conform; handlers and client
/// calls are generic over them, so a procedure cannot be called or answered with another procedure's types.
public protocol WireProcedure: Sendable {
    associatedtype Args: XDRCodable
    associatedtype Ret: XDRCodable
    static var info: ProcedureInfo { get }
}

extension WireProcedure {
    /// Decodes a CALL's payload as this procedure's arguments; every byte must be used.
    public static func decodeArgs(_ payload: [UInt8]) throws(XDRError) -> Args {
        try Args(xdrBytes: payload)
    }

    /// Checks that a payload decodes as this procedure's arguments, without keeping them.
    public static func validateArguments(_ payload: [UInt8]) throws(XDRError) {
        _ = try decodeArgs(payload)
    }
}

/// A program's table of procedures (generated for each `.x` file).
public protocol WireProgramDescriptor {
    static var program: UInt32 { get }
    static var version: UInt32 { get }
    static func procedure(_ number: Int32) -> (any WireProcedure.Type)?
    static var all: [any WireProcedure.Type] { get }
}

/// Every program the daemon and client know.
public enum WirePrograms {
    /// The descriptor of a procedure of any known program, nil if the program or number is unknown.
    public static func procedure(program: UInt32, number: Int32) -> (any WireProcedure.Type)? {
        switch program {
        case Remote.program: Remote.procedure(number)
        case Qemu.program: Qemu.procedure(number)
        case Lxc.program: Lxc.procedure(number)
        case Keepalive.program: Keepalive.procedure(number)
        default: nil
        }
    }
}
