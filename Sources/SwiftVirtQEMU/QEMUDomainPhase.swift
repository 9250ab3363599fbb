import SwiftVirtCore

/// Where a running QEMU domain is in its life, as the driver's logic sees it: one value instead of separate
/// flags, so a QMP event or a lifecycle call is judged against exactly one situation. What libvirt clients see
/// (running, paused, shutdown, crashed) is `QEMUDomain.state`; the phase says what our own requests are doing.
///
///     active ─▶ rebooting ─▶ restarting ─▶ active          (fake reboot: powerdown, then reset + cont)
///     active ─▶ restarting ─▶ active                       (on_poweroff / on_crash 'restart')
///     any but gone ─▶ stopping ─▶ gone                     (destroy, on_poweroff / on_crash 'destroy')
///     stopping ─▶ what it was before                       (a graceful destroy that QEMU survived)
///     any but gone ─▶ gone                                 (the process ended: crash, kill from outside)
enum QEMUDomainPhase: Sendable, Equatable {
    /// QEMU runs the guest, running or paused; nothing of ours is in flight.
    case active
    /// `reboot()` sent an ACPI powerdown: the guest's SHUTDOWN is answered with reset + cont (libvirt's fake
    /// reboot) instead of ending the process.
    case rebooting
    /// We sent system_reset + cont to restart the guest in place: QEMU's STOP and RESUME until then are ours,
    /// not news. The RESUME that follows our `cont` ends this phase.
    case restarting
    /// The process is ending because we made it end; when it has, the stop is reported with this reason and event.
    case stopping(reason: DomainStateReason, event: DomainLifecycleEvent)
    /// The process has ended and the observer has been told.
    case gone(reason: DomainStateReason)

    /// What the domain is doing, for "operation invalid" messages.
    var name: String {
        switch self {
        case .active: "running"
        case .rebooting: "rebooting"
        case .restarting: "restarting in place"
        case .stopping: "being stopped"
        case .gone: "shut off"
        }
    }

    /// What entering this phase does to the domain, for "operation invalid" messages.
    var goal: String {
        switch self {
        case .active: "resumed"
        case .rebooting: "rebooted"
        case .restarting: "restarted in place"
        case .stopping: "stopped"
        case .gone: "ended"
        }
    }

    /// How to report the process's end when we are the ones ending it.
    var expectedStop: (reason: DomainStateReason, event: DomainLifecycleEvent)? {
        if case .stopping(let reason, let event) = self { return (reason, event) }
        return nil
    }

    var isGone: Bool {
        if case .gone = self { return true }
        return false
    }

    /// Whether `next` may follow this phase (see the diagram). Undoing a stop is `abandoningStop(to:)`, not this.
    func allows(_ next: QEMUDomainPhase) -> Bool {
        switch (self, next) {
        case (.gone, _): false  // nothing follows the end
        case (_, .gone): true  // the process can end at any moment
        case (.stopping, .stopping): true  // a destroy overrides a stop already under way
        case (.stopping, _): false  // a domain being stopped is not rebooted or restarted
        default: true
        }
    }

    /// The phase after `next`, or the libvirt "operation invalid" error for domain `name` when `next` cannot
    /// follow this phase.
    func transition(to next: QEMUDomainPhase, domain name: String) throws(QEMUDomainError) -> QEMUDomainPhase {
        guard allows(next) else { throw .invalidTransition(name: name, phase: self.name, change: next.goal) }
        return next
    }

    /// Back to `previous` after a stop that did not happen (QEMU survived a graceful destroy).
    func abandoningStop(to previous: QEMUDomainPhase) -> QEMUDomainPhase {
        guard case .stopping = self, !previous.isGone else { return self }
        return previous
    }
}
