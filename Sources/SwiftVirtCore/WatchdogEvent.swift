/// What a guest's watchdog did when it fired (virDomainEventWatchdogAction, the numbers libvirt sends in its
/// VIR_DOMAIN_EVENT_ID_WATCHDOG event).
public enum WatchdogEventAction: Int32, Sendable, Equatable, CaseIterable {
    case none = 0, pause, reset, poweroff, shutdown, debug
    case injectNMI = 6

    /// From the `action` of QEMU's WATCHDOG event; nil for one libvirt does not know.
    public init?(qemuAction: String) {
        switch qemuAction {
        case "none": self = .none
        case "pause": self = .pause
        case "reset": self = .reset
        case "poweroff": self = .poweroff
        case "shutdown": self = .shutdown
        case "debug": self = .debug
        case "inject-nmi": self = .injectNMI
        default: return nil
        }
    }
}

extension DomainObserver {
    /// The guest's watchdog fired; drivers without one never call it.
    public func domainWatchdog(_ uuid: DomainUUID, action: WatchdogEventAction) async {}
}
