import Glibc
import Synchronization
import SwiftVirtCore
import SwiftVirtWire

/// Everything a procedure handler may use. The objects a handler acts on belong to the connection's driver.
struct CallContext: Sendable {
    let services: DaemonServices
    let session: ConnectionSession
    let header: PacketHeader
    /// The connection's driver; before CONNECT_OPEN (only the few calls allowed then run) the default one.
    let driver: ConnectionDriver
    /// What a CALL_WITH_FDS brought (empty for other calls); what the handler leaves is closed after it.
    var passed = PassedDescriptors([])
    var registry: DomainRegistry { driver.domains }
    var hypervisor: any HypervisorDriver { driver.hypervisor }
}

/// One implemented procedure: what the protocol says about it, whether a read-only connection may call it,
/// whether the connection's own task may run it in place, and the handler. A handler returns the encoded reply,
/// or nil when it has queued its reply itself (streams).
struct Route: Sendable {
    let info: ProcedureInfo
    let readOnlyAllowed: Bool
    /// Answered by the connection's own task in place instead of a task per call (a task creation and a thread
    /// hand-off saved per call), which also holds back that connection's next calls until it is done. So: the
    /// procedures libvirt marks high priority (`@priority: high`, never waiting on a guest's monitor), except
    /// those whose handler here can wait anyway (a job lock, a flushed file, a child process): those register
    /// with `waits: true`, next to the code that waits.
    let inline: Bool
    let run: @Sendable ([UInt8], CallContext) async throws -> [UInt8]?

    var api: String { info.api }

    /// Argument decoding failed: the peer is not speaking the protocol; the connection is closed.
    struct BadArguments: Error, CustomStringConvertible {
        var api: String
        var error: XDRError
        var description: String { "cannot decode arguments of \(api): \(error)" }
    }

    /// Decodes a payload as `P`'s arguments, or throws `BadArguments`.
    static func arguments<P: WireProcedure>(of _: P.Type, _ payload: [UInt8]) throws -> P.Args {
        do throws(XDRError) {
            return try P.decodeArgs(payload)
        } catch {
            throw BadArguments(api: P.info.api, error: error)
        }
    }
}

/// The handlers by program and procedure number. Registration is typed by the generated descriptors, so a
/// handler's argument and reply types are the procedure's own: pairing them wrongly does not compile.
struct RouteTable: Sendable {
    private(set) var routes: [UInt64: Route] = [:]

    static func key(program: UInt32, procedure: Int32) -> UInt64 {
        UInt64(program) << 32 | UInt64(UInt32(bitPattern: procedure))
    }

    func route(program: UInt32, procedure: Int32) -> Route? {
        routes[Self.key(program: program, procedure: procedure)]
    }

    /// A handler that returns its reply. `readOnly` (may a read-only connection call it) defaults to libvirt's own
    /// rule for the function.
    mutating func on<P: WireProcedure>(
        _ procedure: P.Type, readOnly: Bool? = nil, waits: Bool = false,
        _ body: @escaping @Sendable (P.Args, CallContext) async throws -> P.Ret
    ) {
        raw(procedure, readOnly: readOnly, waits: waits) { payload, context in
            let args = try Route.arguments(of: P.self, payload)
            let ret = try await body(args, context)
            var encoder = XDREncoder()
            encoder.encode(ret)
            return encoder.bytes
        }
    }

    /// Procedures without arguments.
    mutating func on<P: WireProcedure>(
        _ procedure: P.Type, readOnly: Bool? = nil, waits: Bool = false,
        _ body: @escaping @Sendable (CallContext) async throws -> P.Ret
    ) where P.Args == XDRVoid {
        on(procedure, readOnly: readOnly, waits: waits) { (_: XDRVoid, context: CallContext) in try await body(context) }
    }

    /// A handler that decodes its own arguments and may queue its reply itself (streams): it returns nil then.
    mutating func raw<P: WireProcedure>(
        _ procedure: P.Type, readOnly: Bool? = nil, waits: Bool = false,
        _ run: @escaping @Sendable ([UInt8], CallContext) async throws -> [UInt8]?
    ) {
        let info = P.info
        routes[Self.key(program: info.program, procedure: info.number)] = Route(
            info: info, readOnlyAllowed: readOnly ?? (info.readOnly == .allowed),
            inline: info.priority == .high && !waits && info.stream == .none, run: run)
    }
}

/// Flags checking as libvirt does it: unknown bits are an error naming the API.
func checkFlags(_ flags: UInt32, allowed: UInt32, _ api: String) throws {
    if flags & ~allowed != 0 { throw DaemonError.unsupportedFlags(procedure: api, flags: flags & ~allowed) }
}

extension DomainIdentity {
    var wire: RemoteNonnullDomain { RemoteNonnullDomain(name: name, uuid: uuid.bytes, id: id) }
}

extension RemoteNonnullDomain {
    /// The uuid in a request; malformed (not 16 bytes) is an invalid argument.
    func domainUUID() throws -> DomainUUID {
        guard let uuid = DomainUUID(bytes: uuid) else {
            throw DaemonError.invalidArgument("domain '\(name)' has a malformed uuid")
        }
        return uuid
    }
}

/// Descriptors a client sent with a call: the handler takes those it uses, the dispatcher closes the rest.
final class PassedDescriptors: Sendable {
    private let remaining: Mutex<[CInt]>

    init(_ descriptors: [CInt]) { remaining = Mutex(descriptors) }

    /// The descriptor at `index` of the call's, now the caller's; libvirt's error when the call has none there.
    func take(_ index: Int) throws -> CInt {
        let fd = remaining.withLock { list -> CInt in
            guard index < list.count, list[index] >= 0 else { return -1 }
            defer { list[index] = -1 }
            return list[index]
        }
        guard fd >= 0 else {
            throw VirtError(.internalError, domain: .rpc, detail: "No FD available at slot \(index)")
        }
        return fd
    }

    func closeRemaining() {
        for fd in remaining.withLock({ list in defer { list = [] }; return list }) where fd >= 0 { close(fd) }
    }
}

