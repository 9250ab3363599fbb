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

/// What the protocol definition says about one procedure.
public struct ProcedureInfo: Sendable {
    public let program: UInt32
    public let number: Int32
    /// libvirt's constant, e.g. `REMOTE_PROC_DOMAIN_CREATE`.
    public let name: String
    /// The public API function, e.g. `virDomainCreate`, used in libvirt's error messages.
    public let api: String
    public let priority: ProcedurePriority
    public let kind: ProcedureKind
    public let stream: ProcedureStream
    public let readOnly: ReadOnlyRule
    /// libvirt's access rules (`domain:start`, `domain:write:VIR_DOMAIN_AFFECT_CONFIG`, ...).
    public let acl: [String]
    /// The permission each object of a returned list must grant to be shown (`domain:getattr`).
    public let aclFilter: [String]

    public init(
        program: UInt32, number: Int32, name: String, api: String, priority: ProcedurePriority, kind: ProcedureKind,
        stream: ProcedureStream, readOnly: ReadOnlyRule, acl: [String], aclFilter: [String]
    ) {
        self.readOnly = readOnly
        self.program = program
        self.number = number
        self.name = name
        self.api = api
        self.priority = priority
        self.kind = kind
        self.stream = stream
        self.acl = acl
        self.aclFilter = aclFilter
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
