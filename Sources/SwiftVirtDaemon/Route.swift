import SwiftVirtCore
import SwiftVirtWire

/// Everything a procedure handler may use.
struct CallContext: Sendable {
    let services: DaemonServices
    let session: ConnectionSession
    let header: PacketHeader
    var registry: DomainRegistry { services.registry }
}

/// One remote procedure: its libvirt API name (for messages), whether a read-only connection may call it,
/// and the handler. A handler returns the encoded reply, or nil when it has queued its reply itself.
struct Route: Sendable {
    let api: String
    let readOnlyAllowed: Bool
    let run: @Sendable ([UInt8], CallContext) async throws -> [UInt8]?

    /// Argument decoding failed: the peer is not speaking the protocol; the connection is closed.
    struct BadArguments: Error, CustomStringConvertible {
        var api: String
        var error: XDRError
        var description: String { "cannot decode arguments of \(api): \(error)" }
    }

    static func call<A: XDRCodable, R: XDRCodable>(
        _ api: String, readOnly: Bool = false, _ body: @escaping @Sendable (A, CallContext) async throws -> R
    ) -> Route {
        Route(api: api, readOnlyAllowed: readOnly) { payload, context in
            var decoder = XDRDecoder(payload)
            let args: A
            do throws(XDRError) {
                args = try decoder.decode(A.self)
                try decoder.finish()
            } catch {
                throw BadArguments(api: api, error: error)
            }
            let ret = try await body(args, context)
            var encoder = XDREncoder()
            encoder.encode(ret)
            return encoder.bytes
        }
    }

    /// Procedures without arguments.
    static func call<R: XDRCodable>(
        _ api: String, readOnly: Bool = false, _ body: @escaping @Sendable (CallContext) async throws -> R
    ) -> Route {
        call(api, readOnly: readOnly) { (_: XDRVoid, context: CallContext) in try await body(context) }
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
