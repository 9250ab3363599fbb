import Foundation
import Logging
import Testing

@testable import SwiftVirtQEMU

/// Measurements recorded from real machines (PVM numbers from this host; hardware numbers from a laptop with
/// kvm_intel) and synthesized failure cases.
enum RecordedMeasurements {
    static let hardwareHints = AcceleratorStaticHints(
        deviceExists: true, pvmModuleLoaded: false, hardwareModuleLoaded: true, cpuHasVirtualizationFlag: true)
    static let pvmHints = AcceleratorStaticHints(
        deviceExists: true, pvmModuleLoaded: true, hardwareModuleLoaded: false, cpuHasVirtualizationFlag: false)

    static let hardwareFast = ProbeMeasurement(
        hints: hardwareHints, stage: .done, apiVersion: 12, completed: true, elapsedNanoseconds: 1_900_000,
        instructions: 2_000_002, emulatedInstructions: 0)
    static let pvmSlow = ProbeMeasurement(
        hints: pvmHints, stage: .done, apiVersion: 12, completed: false, timedOut: true,
        elapsedNanoseconds: 350_000_000, instructions: 586_000, emulatedInstructions: 586_104)
    static let missingDevice = ProbeMeasurement(
        hints: AcceleratorStaticHints(
            deviceExists: false, pvmModuleLoaded: false, hardwareModuleLoaded: false, cpuHasVirtualizationFlag: false),
        stage: .open, errorNumber: ENOENT)
    static let runError = ProbeMeasurement(hints: pvmHints, stage: .run, errorNumber: EFAULT, apiVersion: 12)
}

@Suite struct AcceleratorClassifierTests {
    @Test func hardwareKVMIsUsable() {
        #expect(AcceleratorVerdict.classify(RecordedMeasurements.hardwareFast) == .usable)
    }

    @Test func pvmIsPresentButUnusableWithTheNumbers() throws {
        let verdict = AcceleratorVerdict.classify(RecordedMeasurements.pvmSlow)
        guard case .presentButUnusable(let reason) = verdict else {
            Issue.record("expected presentButUnusable, got \(verdict)")
            return
        }
        #expect(reason.contains("did not finish within 300 ms"))
        #expect(reason.contains("586104 emulated"))
    }

    @Test func missingDeviceIsAbsent() {
        #expect(
            AcceleratorVerdict.classify(RecordedMeasurements.missingDevice)
                == .absent(reason: "/dev/kvm does not exist"))
    }

    @Test func kvmRunErrorIsPresentButUnusable() {
        let verdict = AcceleratorVerdict.classify(RecordedMeasurements.runError)
        #expect(verdict == .presentButUnusable(reason: "KVM_RUN failed: Bad address"))
    }

    @Test func fastLoopWithHeavyEmulationIsUnusable() {
        var m = RecordedMeasurements.hardwareFast
        m.emulatedInstructions = 50_000
        #expect(!AcceleratorVerdict.classify(m).isUsable)
    }

    @Test func completedButSlowLoopIsUnusable() {
        var m = RecordedMeasurements.hardwareFast
        m.elapsedNanoseconds = 200_000_000  // 1e7 instructions/s
        m.emulatedInstructions = nil
        #expect(AcceleratorVerdict.classify(m).reason?.contains("guest code runs at") == true)
    }

    @Test func wrongAPIVersionIsAbsent() {
        let m = ProbeMeasurement(hints: RecordedMeasurements.hardwareHints, stage: .apiVersion, apiVersion: 11)
        #expect(AcceleratorVerdict.classify(m) == .absent(reason: "KVM API version 11, expected 12"))
    }

    @Test func verdictRoundTripsThroughJSON() throws {
        let value = AcceleratorVerdict.presentButUnusable(reason: "slow")
        let decoded = try JSONDecoder().decode(AcceleratorVerdict.self, from: JSONEncoder().encode(value))
        #expect(decoded == value)
    }
}

@Suite struct AcceleratorProbeHostTests {
    @Test func nonexistentDeviceIsAbsentWithoutRunning() async {
        let probe = AcceleratorProbe(logger: Logger(label: "test"), devicePath: "/nonexistent/kvm")
        let m = await probe.measure()
        #expect(m.stage == .open)
        #expect(AcceleratorVerdict.classify(m).name == "absent")
    }

    /// On this host (PVM) the real probe must say present-but-unusable, quickly; on hardware KVM it says usable.
    @Test(.enabled(if: FileManager.default.isReadableFile(atPath: "/dev/kvm")))
    func realProbeOnThisHost() async throws {
        let probe = AcceleratorProbe(logger: Logger(label: "test"))
        // No wall-clock assertion (speed belongs to bench/): what must hold is that the probe stops itself at
        // its budget instead of waiting for a slow loop to finish.
        let m = await probe.measure()
        let verdict = AcceleratorVerdict.classify(m)
        if probe.staticHints().pvmModuleLoaded {
            #expect(verdict.name == "present-but-unusable", "\(m)")
            #expect(m.stage == .done)
            #expect(m.instructions > 0)
            #expect(m.timedOut && !m.completed, "the budget timer must interrupt the emulated loop: \(m)")
        } else {
            #expect(verdict.isUsable, "\(m)")
        }
    }

    @Test(.enabled(if: FileManager.default.isReadableFile(atPath: "/dev/kvm")))
    func verdictIsCachedPerBoot() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let probe = AcceleratorProbe(logger: Logger(label: "test"))
        let first = await probe.verdict(stateDirectory: dir)
        #expect(FileManager.default.fileExists(atPath: dir + "/accelerator-probe.json"))
        // Tamper with the cached verdict: a second call must return the file's content, not re-measure.
        var planted = first
        planted.verdict = .absent(reason: "planted")
        try JSONEncoder().encode(planted).write(to: URL(fileURLWithPath: dir + "/accelerator-probe.json"))
        let second = await probe.verdict(stateDirectory: dir)
        #expect(second.verdict == .absent(reason: "planted"))
        // A different boot id invalidates the cache.
        planted.bootID = "another-boot"
        try JSONEncoder().encode(planted).write(to: URL(fileURLWithPath: dir + "/accelerator-probe.json"))
        let third = await probe.verdict(stateDirectory: dir)
        #expect(third.verdict.name == first.verdict.name)
        #expect(third.bootID != "another-boot")
    }
}
