import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

@Suite struct QEMUDomainPhaseTests {
    static let destroying = QEMUDomainPhase.stopping(reason: .shutoffDestroyed, event: .stoppedDestroyed)
    static let shuttingDown = QEMUDomainPhase.stopping(reason: .shutoffShutdown, event: .stoppedShutdown)
    static let gone = QEMUDomainPhase.gone(reason: .shutoffCrashed)

    @Test func fakeRebootAndRestartInPlaceGoRound() throws {
        var phase = QEMUDomainPhase.active
        for next in [QEMUDomainPhase.rebooting, .restarting, .active, .restarting, .active] {
            phase = try phase.transition(to: next, domain: "g")
        }
        #expect(phase == .active)
    }

    @Test func anyLivePhaseCanStopOrEnd() {
        for phase in [QEMUDomainPhase.active, .rebooting, .restarting, Self.shuttingDown] {
            #expect(phase.allows(Self.destroying))
            #expect(phase.allows(Self.gone))
        }
    }

    /// A domain being stopped is not rebooted or restarted in place; only a destroy may override the stop.
    @Test func aStoppingDomainRefusesRebootAsOperationInvalid() throws {
        #expect(!Self.destroying.allows(.rebooting))
        #expect(!Self.destroying.allows(.restarting))
        #expect(Self.shuttingDown.allows(Self.destroying))
        do {
            _ = try Self.destroying.transition(to: .rebooting, domain: "guest1")
            Issue.record("a reboot of a domain being destroyed was allowed")
        } catch {
            let virtError = error.virtError
            #expect(virtError.code == .operationInvalid)
            #expect(virtError.message.hasPrefix("Requested operation is not valid: "))
            #expect(virtError.message.contains("'guest1' is being stopped and cannot be rebooted"))
        }
    }

    @Test func nothingFollowsTheEnd() {
        for next in [QEMUDomainPhase.active, .rebooting, .restarting, Self.destroying, Self.gone] {
            #expect(!Self.gone.allows(next))
        }
    }

    /// A graceful destroy that QEMU survives returns to what the domain was doing, and only from a stop.
    @Test func abandoningAStopRestoresThePreviousPhase() {
        #expect(Self.destroying.abandoningStop(to: .rebooting) == .rebooting)
        #expect(Self.destroying.abandoningStop(to: Self.shuttingDown) == Self.shuttingDown)
        #expect(QEMUDomainPhase.active.abandoningStop(to: .rebooting) == .active)
        #expect(Self.destroying.abandoningStop(to: Self.gone) == Self.destroying)
    }

    @Test func onlyAStopCarriesAnExpectedReason() {
        #expect(Self.destroying.expectedStop?.reason == .shutoffDestroyed)
        #expect(QEMUDomainPhase.rebooting.expectedStop == nil)
        #expect(Self.gone.expectedStop == nil)
    }
}
