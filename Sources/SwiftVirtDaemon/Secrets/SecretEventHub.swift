import SwiftVirtCore
import SwiftVirtWire

/// Secret event callbacks registered by connections (virConnectSecretEventRegisterAny): lifecycle (defined,
/// undefined) and value-changed, each for one secret or all of them.
final class SecretEventHub: Sendable {
    /// VIR_SECRET_EVENT_ID_LIFECYCLE and VIR_SECRET_EVENT_ID_VALUE_CHANGED.
    static let lifecycleID: Int32 = 0
    static let valueChangedID: Int32 = 1

    /// virSecretEventLifecycleType.
    enum Lifecycle: Int32 {
        case defined = 0
        case undefined = 1
    }

    private struct Filter {
        var eventID: Int32
        var secret: DomainUUID?
    }

    private let callbacks = SessionCallbacks<Filter>()

    func register(session: ConnectionSession, eventID: Int32, secret: DomainUUID?) -> Int32 {
        callbacks.register(session, Filter(eventID: eventID, secret: secret))
    }

    func deregister(session: ConnectionSession, id: Int32) -> Bool {
        callbacks.deregister(session, callbackID: id)
    }

    func publish(_ event: Lifecycle, _ def: SecretDefinition) {
        for (id, session) in targets(Self.lifecycleID, def.uuid) {
            session.sendEvent(
                Remote.SecretEventLifecycle.self,
                SecretEventLifecycleMsg(callbackID: id, secret: def.wire, event: event.rawValue, detail: 0))
        }
    }

    func publishValueChanged(_ def: SecretDefinition) {
        for (id, session) in targets(Self.valueChangedID, def.uuid) {
            session.sendEvent(
                Remote.SecretEventValueChanged.self, SecretEventValueChangedMsg(callbackID: id, secret: def.wire))
        }
    }

    private func targets(_ eventID: Int32, _ uuid: DomainUUID) -> [(id: Int32, session: ConnectionSession)] {
        callbacks.targets { $0.eventID == eventID && ($0.secret == nil || $0.secret == uuid) }
    }
}

extension SecretDefinition {
    /// The secret as the protocol names it: uuid, usage type and usage id ("" when none).
    var wire: RemoteNonnullSecret {
        RemoteNonnullSecret(uuid: uuid.bytes, usageType: usageType.rawValue, usageID: usageID ?? "")
    }
}
