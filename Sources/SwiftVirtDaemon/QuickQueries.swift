import Logging
import NIOCore
import SwiftVirtCore
import SwiftVirtWire
import Synchronization

/// A copy of what the frequent read-only queries need (lookups, info and XML of inactive domains, listings),
/// readable without the registry actor. The registry publishes it after building its index and drops it on
/// every change of its records, so a reader sees either the current state or nothing (and then takes the
/// ordinary path through the actor).
final class DomainQuickView: Sendable {
    struct Entry: Sendable {
        var summary: DomainSummary
        /// Present for inactive domains only: an active one's info needs the running QEMU's CPU time.
        var inactiveInfo: DomainGetInfoRet?
        /// The formatted persistent XML of an inactive domain, once someone asked for it.
        var inactiveXML: String?
        /// The persistent definition of an inactive domain, which the event loop formats when `inactiveXML` is nil
        /// (sharing the registry's storage: copying it copies references).
        var inactiveDefinition: DomainDefinition?
    }

    struct Snapshot: Sendable {
        var listing: [DomainSummary]
        var byName: [String: DomainUUID]
        var entries: [DomainUUID: Entry]
        /// Encoded listAllDomains replies by (flags, needResults): a 500-domain reply is ~25 KiB of XDR.
        var listReplies: [UInt64: [UInt8]] = [:]
    }

    private let state = Mutex<Snapshot?>(nil)

    func invalidate() { state.withLock { $0 = nil } }
    func publish(_ snapshot: Snapshot) { state.withLock { $0 = snapshot } }
    func storeXML(_ xml: String, for uuid: DomainUUID) {
        state.withLock { s in
            if s?.entries[uuid]?.inactiveInfo != nil { s?.entries[uuid]?.inactiveXML = xml }
        }
    }
    func read<T>(_ body: (inout Snapshot) -> T?) -> T? {
        state.withLock { s in
            guard s != nil else { return nil }
            return body(&s!)  // in place: a copy would duplicate the dictionaries on the first cached reply
        }
    }
}

/// Answers lookups, info, XML and listings on the connection's event loop when the quick view has the answer,
/// which saves two thread hand-offs per call (event loop → connection task → event loop). Anything else —
/// including every error, so messages stay the ordinary path's — passes on to the connection task unchanged.
final class QuickQueryHandler: ChannelInboundHandler {
    typealias InboundIn = Packet
    typealias InboundOut = Packet
    typealias OutboundOut = Packet

    private let session: ConnectionSession
    private let poller: LoopPoller?

    init(session: ConnectionSession, poller: LoopPoller?) {
        self.session = session
        self.poller = poller
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = unwrapInboundIn(data)
        let header = packet.header
        guard header.type == .call, header.program == WireProgram.remote.rawValue, header.version == 1,
            header.status == .ok, let view = session.driver?.domains.quick,
            let reply = answer(header.procedure, packet.payload, view)
        else {
            if header.type == .call { poller?.awaitingReply() }
            context.fireChannelRead(data)
            return
        }
        session.with { $0.lastInbound = .now }
        var h = header
        h.type = .reply
        context.writeAndFlush(wrapOutboundOut(Packet(header: h, payload: reply)), promise: nil)
    }

    private func answer(_ procedure: Int32, _ payload: [UInt8], _ view: DomainQuickView) -> [UInt8]? {
        switch RemoteProcedure(rawValue: procedure) {
        case .domainLookupByName:
            guard let args = decode(DomainLookupByNameArgs.self, payload) else { return nil }
            return view.read { s in
                s.byName[args.name].flatMap { s.entries[$0] }.map {
                    encode(DomainLookupByNameRet(dom: $0.summary.identity.wire))
                }
            }
        case .domainLookupByUuid:
            guard let args = decode(DomainLookupByUuidArgs.self, payload), let uuid = DomainUUID(bytes: args.uuid)
            else { return nil }
            return view.read { s in s.entries[uuid].map { encode(DomainLookupByUuidRet(dom: $0.summary.identity.wire)) }
            }
        case .domainGetInfo:
            guard let args = decode(DomainGetInfoArgs.self, payload), let uuid = DomainUUID(bytes: args.dom.uuid)
            else { return nil }
            return view.read { s in s.entries[uuid]?.inactiveInfo.map { encode($0) } }
        case .domainGetXmlDesc:
            // SECURE, INACTIVE and UPDATE_CPU change nothing in an inactive domain's XML but the secrets, which a
            // read-only connection may not ask for (the ordinary path refuses it); MIGRATABLE is the ordinary path's.
            guard let args = decode(DomainGetXmlDescArgs.self, payload), args.flags & ~0x7 == 0,
                let uuid = DomainUUID(bytes: args.dom.uuid)
            else { return nil }
            let secure = args.flags & 1 != 0
            if secure && session.isReadOnly { return nil }
            guard let (text, definition) = view.read({ s in s.entries[uuid].map { ($0.inactiveXML, $0.inactiveDefinition) } }),
                let definition
            else { return nil }
            if let text, !secure || !definition.hasSecrets { return encode(DomainGetXmlDescRet(xml: text)) }
            // Formatted here, outside the view's lock: a fifth of the cost of the hand-offs to the registry.
            let xml = DomainXML.format(definition, secure: secure)
            if !secure { view.storeXML(xml, for: uuid) }
            return encode(DomainGetXmlDescRet(xml: xml))
        case .connectListAllDomains:
            guard let args = decode(ConnectListAllDomainsArgs.self, payload), args.flags & ~0xFFFF == 0 else {
                return nil
            }
            let key = UInt64(args.flags) << 1 | (args.needResults != 0 ? 1 : 0)
            return view.read { s in
                if let cached = s.listReplies[key] { return cached }
                guard let listed = try? DomainQueryRoutes.filtered(s.listing, flags: args.flags) else { return nil }
                let domains = args.needResults != 0 ? listed.map { $0.identity.wire } : []
                let reply = encode(ConnectListAllDomainsRet(domains: domains, ret: UInt32(listed.count)))
                s.listReplies[key] = reply
                return reply
            }
        default:
            return nil
        }
    }

    private func decode<A: XDRCodable>(_ type: A.Type, _ payload: [UInt8]) -> A? {
        var decoder = XDRDecoder(payload)
        guard let args = try? decoder.decode(A.self), (try? decoder.finish()) != nil else { return nil }
        return args
    }
}

private func encode<R: XDRCodable>(_ ret: R) -> [UInt8] {
    var encoder = XDREncoder()
    encoder.encode(ret)
    return encoder.bytes
}
