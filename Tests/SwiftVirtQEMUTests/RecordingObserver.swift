import Foundation
import SwiftVirtCore

/// Records what a domain reports, so tests can wait for a given change.
actor RecordingObserver: DomainObserver {
    enum Report: Equatable, Sendable {
        case changed(DomainState, DomainStateReason, DomainLifecycleEvent?)
        case stopped(DomainStateReason, DomainLifecycleEvent)
        case rebooted
    }
    private(set) var reports: [Report] = []

    func domain(
        _ uuid: DomainUUID, changedTo state: DomainState, reason: DomainStateReason, event: DomainLifecycleEvent?
    )
        async
    {
        reports.append(.changed(state, reason, event))
    }

    func domainRebooted(_ uuid: DomainUUID) async {
        reports.append(.rebooted)
    }

    func domainStopped(_ uuid: DomainUUID, reason: DomainStateReason, event: DomainLifecycleEvent) async {
        reports.append(.stopped(reason, event))
    }

    /// Waits until a report matching `predicate` arrived; returns it or nil after `timeout`.
    func waitFor(timeout: Duration = .seconds(20), _ predicate: @Sendable (Report) -> Bool) async -> Report? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = reports.first(where: predicate) { return match }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }

    func stoppedReport(timeout: Duration = .seconds(20)) async -> Report? {
        await waitFor(timeout: timeout) { if case .stopped = $0 { true } else { false } }
    }
}
