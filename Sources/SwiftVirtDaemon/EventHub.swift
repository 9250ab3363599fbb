import Synchronization
import SwiftVirtCore

/// Domain events fanned out to every connection that registered a callback.
public enum DomainEventKind: Int32, Sendable {
    case lifecycle = 0
    case reboot = 1
    case rtcChange = 2
    case watchdog = 3
    case trayChange = 10
    case balloonChange = 13
    case deviceRemoved = 15
    case agentLifecycle = 18
    case deviceAdded = 19
    case metadataChange = 23

    /// The event a device's notice is.
    init(_ notice: GuestNotice) {
        switch notice {
        case .trayMoved: self = .trayChange
        case .rtcChanged: self = .rtcChange
        }
    }
}

struct DomainEventNotice: Sendable {
    var kind: DomainEventKind
    var domain: DomainIdentity
    var lifecycle: DomainLifecycleEvent?
    var watchdogAction: WatchdogEventAction? = nil
    /// The device of a DEVICE_REMOVED or DEVICE_ADDED event.
    var deviceAlias: String? = nil
    /// TRAY_CHANGE, AGENT_LIFECYCLE, RTC_CHANGE: what the guest's device reported.
    var guestNotice: GuestNotice? = nil
    /// METADATA_CHANGE: which metadata (virDomainMetadataType) and, for an element, its namespace URI.
    var metadata: (type: Int32, uri: String?)? = nil
    /// BALLOON_CHANGE: the memory the guest has now, KiB.
    var balloonActualKiB: UInt64? = nil
    /// AGENT_LIFECYCLE: virConnectDomainEventAgentLifecycleState and ...Reason.
    var agentLifecycle: (state: Int32, reason: Int32)? = nil
}

/// Name, uuid and id: what a remote_nonnull_domain carries.
struct DomainIdentity: Sendable, Equatable {
    var name: String
    var uuid: DomainUUID
    var id: Int32
}

/// Connections subscribe with a sink; the hub does not know about sockets. Publishing is synchronous so
/// events reach every sink in the order they happened.
final class EventHub: Sendable {
    typealias Sink = @Sendable (DomainEventNotice) -> Void
    private let state = Mutex<(sinks: [Int: Sink], next: Int)>(([:], 1))

    func subscribe(_ sink: @escaping Sink) -> Int {
        state.withLock { s in
            let token = s.next
            s.next += 1
            s.sinks[token] = sink
            return token
        }
    }

    func unsubscribe(_ token: Int) { state.withLock { _ = $0.sinks.removeValue(forKey: token) } }

    func publish(_ notice: DomainEventNotice) {
        let sinks = state.withLock { Array($0.sinks.values) }
        for sink in sinks { sink(notice) }
    }
}
