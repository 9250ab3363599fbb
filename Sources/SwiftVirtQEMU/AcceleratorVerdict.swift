import FoundationEssentials
import Glibc

/// What the accelerator probe found, in the three classes managers act on.
public enum AcceleratorVerdict: Sendable, Equatable, Codable, CustomStringConvertible {
    /// KVM runs guest kernel code at native speed; `-accel kvm` is worth using.
    case usable
    /// `/dev/kvm` works but would make a guest crawl or fail (e.g. PVM emulating every CPL-0 instruction).
    case presentButUnusable(reason: String)
    /// No KVM at all.
    case absent(reason: String)

    public var isUsable: Bool { self == .usable }

    public var reason: String? {
        switch self {
        case .usable: return nil
        case .presentButUnusable(let reason), .absent(let reason): return reason
        }
    }

    /// Short name used in logs and in capabilities XML.
    public var name: String {
        switch self {
        case .usable: return "usable"
        case .presentButUnusable: return "present-but-unusable"
        case .absent: return "absent"
        }
    }

    public var description: String { reason.map { "\(name): \($0)" } ?? name }
}

/// Cheap facts read from sysfs and cpuinfo. Logged, never decisive on their own.
public struct AcceleratorStaticHints: Sendable, Equatable, Codable {
    public var deviceExists: Bool
    public var pvmModuleLoaded: Bool
    public var hardwareModuleLoaded: Bool
    public var cpuHasVirtualizationFlag: Bool

    public init(deviceExists: Bool, pvmModuleLoaded: Bool, hardwareModuleLoaded: Bool, cpuHasVirtualizationFlag: Bool) {
        self.deviceExists = deviceExists
        self.pvmModuleLoaded = pvmModuleLoaded
        self.hardwareModuleLoaded = hardwareModuleLoaded
        self.cpuHasVirtualizationFlag = cpuHasVirtualizationFlag
    }

    /// True when the hints suggest KVM is not hardware-backed.
    public var suspicious: Bool { pvmModuleLoaded || (!hardwareModuleLoaded && !cpuHasVirtualizationFlag) }
}

/// How far the raw KVM probe got (mirrors `sv_kvm_stage`).
public enum ProbeStage: String, Sendable, Codable {
    case open, apiVersion, createVM, memory, vcpu, registers, run, done
}

/// Numbers one run of the functional probe produced. Recorded values of this type drive the classifier tests.
public struct ProbeMeasurement: Sendable, Equatable, Codable {
    public var hints: AcceleratorStaticHints
    public var stage: ProbeStage
    /// errno of the step that failed, 0 when none did.
    public var errorNumber: Int32
    public var apiVersion: Int32
    public var completed: Bool
    public var timedOut: Bool
    public var elapsedNanoseconds: UInt64
    public var instructions: UInt64
    /// The vCPU's `insn_emulation` statistic; nil when the kernel has no binary stats.
    public var emulatedInstructions: Int64?
    public var budgetNanoseconds: UInt64

    public init(
        hints: AcceleratorStaticHints, stage: ProbeStage, errorNumber: Int32 = 0, apiVersion: Int32 = -1,
        completed: Bool = false, timedOut: Bool = false, elapsedNanoseconds: UInt64 = 0, instructions: UInt64 = 0,
        emulatedInstructions: Int64? = nil, budgetNanoseconds: UInt64 = 300_000_000
    ) {
        self.hints = hints
        self.stage = stage
        self.errorNumber = errorNumber
        self.apiVersion = apiVersion
        self.completed = completed
        self.timedOut = timedOut
        self.elapsedNanoseconds = elapsedNanoseconds
        self.instructions = instructions
        self.emulatedInstructions = emulatedInstructions
        self.budgetNanoseconds = budgetNanoseconds
    }

    /// Guest instructions per second during the run phase.
    public var instructionsPerSecond: Double {
        guard elapsedNanoseconds > 0 else { return 0 }
        return Double(instructions) * 1e9 / Double(elapsedNanoseconds)
    }
}

extension AcceleratorVerdict {
    /// Below this, a stock kernel's boot takes minutes instead of seconds (hardware KVM does > 1e9/s).
    public static let minimumInstructionsPerSecond: Double = 50_000_000
    /// Above this many emulated instructions, the CPL-0 loop went through the instruction emulator.
    public static let maximumEmulatedInstructions: Int64 = 10_000
    static let expectedAPIVersion: Int32 = 12

    /// Pure decision from one measurement.
    public static func classify(_ m: ProbeMeasurement) -> AcceleratorVerdict {
        let errorText = m.errorNumber != 0 ? String(cString: strerror(m.errorNumber)) : "unexpected exit"
        switch m.stage {
        case .open:
            if !m.hints.deviceExists { return .absent(reason: "/dev/kvm does not exist") }
            return .absent(reason: "cannot open /dev/kvm: \(errorText)")
        case .apiVersion:
            if m.apiVersion >= 0 {
                return .absent(reason: "KVM API version \(m.apiVersion), expected \(expectedAPIVersion)")
            }
            return .absent(reason: "KVM_GET_API_VERSION failed: \(errorText)")
        case .createVM:
            return .presentButUnusable(reason: "KVM_CREATE_VM failed: \(errorText)")
        case .memory:
            return .presentButUnusable(reason: "cannot set up guest memory: \(errorText)")
        case .vcpu:
            return .presentButUnusable(reason: "cannot create a vCPU: \(errorText)")
        case .registers:
            return .presentButUnusable(reason: "cannot put the vCPU into long mode: \(errorText)")
        case .run:
            return .presentButUnusable(reason: "KVM_RUN failed: \(errorText)")
        case .done:
            break
        }
        let rate = m.instructionsPerSecond
        var digits = [CChar](repeating: 0, count: 32)
        _ = withVaList([rate]) { vsnprintf(&digits, digits.count, "%.2g", $0) }
        let rateText = String(decoding: digits.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + " instructions/s"
        if m.timedOut || !m.completed {
            let budgetMs = m.budgetNanoseconds / 1_000_000
            return .presentButUnusable(
                reason: "a 2-million-instruction CPL-0 loop did not finish within \(budgetMs) ms (\(rateText))"
                    + emulationSuffix(m))
        }
        if let emulated = m.emulatedInstructions, emulated > maximumEmulatedInstructions {
            return .presentButUnusable(
                reason: "KVM emulated \(emulated) guest instructions in software (\(rateText))")
        }
        if rate < minimumInstructionsPerSecond {
            return .presentButUnusable(reason: "guest code runs at \(rateText)" + emulationSuffix(m))
        }
        return .usable
    }

    private static func emulationSuffix(_ m: ProbeMeasurement) -> String {
        guard let emulated = m.emulatedInstructions else { return "" }
        return ", \(emulated) emulated"
    }
}
