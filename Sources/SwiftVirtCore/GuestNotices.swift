/// Things a running guest's devices report that clients may subscribe to (libvirt's TRAY_CHANGE,
/// AGENT_LIFECYCLE and RTC_CHANGE events). The hypervisor tells the observer; the daemon fans them out.
public enum GuestNotice: Sendable, Equatable {
    /// The tray of removable-media disk `alias` opened or closed (by the guest, or for an eject).
    case trayMoved(alias: String, open: Bool)
    /// The guest agent's channel was found connected or not when the guest started (`atStart`), or the guest
    /// opened or closed it since.
    case agentChannel(connected: Bool, atStart: Bool)
    /// The guest set its real-time clock: the clock is now `offsetSeconds` away from the host's (UTC).
    case rtcChanged(offsetSeconds: Int64)
}

extension DomainObserver {
    public func domainNotice(_ uuid: DomainUUID, _ notice: GuestNotice) async {}
}
