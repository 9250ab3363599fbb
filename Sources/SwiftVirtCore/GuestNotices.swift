/// Things a running guest's devices report that clients may subscribe to (libvirt's TRAY_CHANGE and RTC_CHANGE
/// events; the agent channel's state is `DomainObserver.domainChannelChanged`). The hypervisor tells the observer; the daemon fans them out.
public enum GuestNotice: Sendable, Equatable {
    /// The tray of removable-media disk `alias` opened or closed (by the guest, or for an eject).
    case trayMoved(alias: String, open: Bool)
    /// The guest set its real-time clock: the clock is now `offsetSeconds` away from the host's (UTC).
    case rtcChanged(offsetSeconds: Int64)
}

extension DomainObserver {
    public func domainNotice(_ uuid: DomainUUID, _ notice: GuestNotice) async {}
}
