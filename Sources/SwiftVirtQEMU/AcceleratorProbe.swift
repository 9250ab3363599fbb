import CSwiftVirtSys
import FoundationEssentials
import Glibc
import Logging
import SwiftVirtSystem

/// Decides whether `/dev/kvm` is worth using: static hints, then a functional run of guest code through the
/// raw KVM API (see shared/briefs/kvm-probe.md). The verdict is cached per boot.
public struct AcceleratorProbe: Sendable {
    public var devicePath: String
    public var sysModuleDirectory: String
    public var cpuinfoPath: String
    public var bootIDPath: String
    /// Loop iterations; each is two instructions.
    public var iterations: UInt32
    public var budgetNanoseconds: UInt64
    public var logger: Logger

    static let cacheFileName = "accelerator-probe.json"

    public init(
        logger: Logger, devicePath: String = "/dev/kvm", sysModuleDirectory: String = "/sys/module",
        cpuinfoPath: String = "/proc/cpuinfo", bootIDPath: String = "/proc/sys/kernel/random/boot_id",
        iterations: UInt32 = 1_000_000, budgetNanoseconds: UInt64 = 300_000_000
    ) {
        self.logger = logger
        self.devicePath = devicePath
        self.sysModuleDirectory = sysModuleDirectory
        self.cpuinfoPath = cpuinfoPath
        self.bootIDPath = bootIDPath
        self.iterations = iterations
        self.budgetNanoseconds = budgetNanoseconds
    }

    public func staticHints() -> AcceleratorStaticHints {
        let fm = FileManager.default
        let module = { (name: String) in fm.fileExists(atPath: "\(sysModuleDirectory)/\(name)") }
        let cpuinfo = (try? String(contentsOfFile: cpuinfoPath, encoding: .utf8)) ?? ""
        let hasFlag = cpuinfo.split(separator: "\n").contains { line in
            line.hasPrefix("flags") && line.split(separator: " ").contains { $0 == "vmx" || $0 == "svm" }
        }
        return AcceleratorStaticHints(
            deviceExists: fm.fileExists(atPath: devicePath), pvmModuleLoaded: module("kvm_pvm"),
            hardwareModuleLoaded: module("kvm_intel") || module("kvm_amd"), cpuHasVirtualizationFlag: hasFlag)
    }

    /// Runs the functional probe on a thread of its own: it blocks for up to the budget and uses a
    /// thread-directed timer signal, neither of which belongs on the cooperative pool.
    public func measure() async -> ProbeMeasurement {
        let hints = staticHints()
        let (path, iterations, budget) = (devicePath, iterations, budgetNanoseconds)
        let raw: sv_kvm_probe_result = await withCheckedContinuation { continuation in
            let started = DetachedThread.start(name: "kvm-probe") {
                var result = sv_kvm_probe_result()
                sv_kvm_probe(path, iterations, budget, &result)
                continuation.resume(returning: result)
            }
            if !started {
                var result = sv_kvm_probe_result()
                result.error_number = EAGAIN
                continuation.resume(returning: result)
            }
        }
        let stages: [ProbeStage] = [.open, .apiVersion, .createVM, .memory, .vcpu, .registers, .run, .done]
        let stage = stages.indices.contains(Int(raw.stage)) ? stages[Int(raw.stage)] : .run
        return ProbeMeasurement(
            hints: hints, stage: stage, errorNumber: raw.error_number, apiVersion: raw.api_version,
            completed: raw.completed != 0, timedOut: raw.timed_out != 0, elapsedNanoseconds: raw.elapsed_ns,
            instructions: raw.instructions, emulatedInstructions: raw.insn_emulation >= 0 ? raw.insn_emulation : nil,
            budgetNanoseconds: budget)
    }

    /// What a cache file holds: the verdict, the numbers behind it, and the boot it belongs to.
    public struct CachedResult: Sendable, Codable, Equatable {
        public var bootID: String
        public var measurement: ProbeMeasurement
        public var verdict: AcceleratorVerdict
    }

    /// The verdict for this boot: read from `stateDirectory/accelerator-probe.json` when it was measured since
    /// the last boot, otherwise measured now and written there. Without a state directory, always measured.
    public func verdict(stateDirectory: String?) async -> CachedResult {
        let bootID = currentBootID()
        let cachePath = stateDirectory.map { "\($0)/\(Self.cacheFileName)" }
        if let cachePath, let data = FileManager.default.contents(atPath: cachePath),
            let cached = try? JSONDecoder().decode(CachedResult.self, from: data), cached.bootID == bootID,
            !bootID.isEmpty
        {
            logger.info("KVM accelerator (cached for this boot): \(cached.verdict)")
            return cached
        }
        let hints = staticHints()
        logger.info(
            "KVM static hints",
            metadata: [
                "device": "\(hints.deviceExists)", "kvm_pvm": "\(hints.pvmModuleLoaded)",
                "kvm_intel/amd": "\(hints.hardwareModuleLoaded)", "vmx/svm": "\(hints.cpuHasVirtualizationFlag)",
                "suspicious": "\(hints.suspicious)",
            ])
        let measurement = await measure()
        let verdict = AcceleratorVerdict.classify(measurement)
        logger.notice(
            "KVM accelerator probe: \(verdict)",
            metadata: [
                "elapsed_ms": "\(measurement.elapsedNanoseconds / 1_000_000)",
                "instructions": "\(measurement.instructions)",
                "insn_emulation": "\(measurement.emulatedInstructions.map(String.init) ?? "n/a")",
            ])
        let result = CachedResult(bootID: bootID, measurement: measurement, verdict: verdict)
        if let cachePath, let stateDirectory {
            do {
                try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(result).write(to: URL(fileURLWithPath: cachePath), options: .atomic)
            } catch {
                logger.warning("cannot cache the accelerator verdict at \(cachePath): \(error)")
            }
        }
        return result
    }

    func currentBootID() -> String {
        ((try? String(contentsOfFile: bootIDPath, encoding: .utf8)) ?? "")
            .trimmingWhitespace()
    }
}
