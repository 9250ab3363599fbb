/// virDomainState, with the numbers libvirt sends on the wire.
public enum DomainState: Int32, Sendable, Codable {
    case noState = 0
    case running = 1
    case blocked = 2
    case paused = 3
    case shutdown = 4
    case shutoff = 5
    case crashed = 6
    case pmSuspended = 7
}

/// The reason that goes with a state (virDomainRunningReason, virDomainPausedReason, virDomainShutoffReason, ...).
/// The raw number's meaning depends on the state, as in libvirt.
public struct DomainStateReason: Sendable, Equatable, Codable {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    // running
    public static let runningBooted = DomainStateReason(1)
    public static let runningUnpaused = DomainStateReason(5)
    public static let runningRestored = DomainStateReason(2)
    // paused
    public static let pausedUser = DomainStateReason(1)
    public static let pausedWatchdog = DomainStateReason(6)
    public static let pausedStartingUp = DomainStateReason(11)
    // shutdown (in progress)
    public static let shutdownUser = DomainStateReason(1)
    // shutoff
    public static let shutoffUnknown = DomainStateReason(0)
    public static let shutoffShutdown = DomainStateReason(1)
    public static let shutoffDestroyed = DomainStateReason(2)
    public static let shutoffCrashed = DomainStateReason(3)
    public static let shutoffFailed = DomainStateReason(6)
    public static let shutoffDaemon = DomainStateReason(9)
}

/// virDomainEventType and its detail, as sent in lifecycle event messages.
public struct DomainLifecycleEvent: Sendable, Equatable {
    public var event: Int32
    public var detail: Int32
    public init(event: Int32, detail: Int32) {
        self.event = event
        self.detail = detail
    }

    public static let definedAdded = DomainLifecycleEvent(event: 0, detail: 0)
    public static let definedUpdated = DomainLifecycleEvent(event: 0, detail: 1)
    public static let undefinedRemoved = DomainLifecycleEvent(event: 1, detail: 0)
    public static let startedBooted = DomainLifecycleEvent(event: 2, detail: 0)
    public static let suspendedPaused = DomainLifecycleEvent(event: 3, detail: 0)
    public static let suspendedWatchdog = DomainLifecycleEvent(event: 3, detail: 3)
    public static let resumedUnpaused = DomainLifecycleEvent(event: 4, detail: 0)
    public static let stoppedShutdown = DomainLifecycleEvent(event: 5, detail: 0)
    public static let stoppedDestroyed = DomainLifecycleEvent(event: 5, detail: 1)
    public static let stoppedCrashed = DomainLifecycleEvent(event: 5, detail: 2)
    public static let stoppedFailed = DomainLifecycleEvent(event: 5, detail: 5)
    public static let shutdownFinished = DomainLifecycleEvent(event: 6, detail: 0)
    public static let shutdownGuest = DomainLifecycleEvent(event: 6, detail: 1)
    public static let shutdownHost = DomainLifecycleEvent(event: 6, detail: 2)
    public static let crashedPanicked = DomainLifecycleEvent(event: 8, detail: 0)
}
