import FoundationEssentials
import Glibc
import SwiftVirtCore

/// What the daemon persists for a running domain so `reattach` can find its QEMU again after a restart.
public struct QEMUDomainStatus: Sendable, Codable, Equatable {
    public var version = 1
    public var id: Int32
    public var name: String
    public var uuid: String
    public var pid: Int32
    public var monitorPath: String
    public var domainDirectory: String
    public var logPath: String
    public var pidFilePath: String
    public var emulator: String
    public var ptyPaths: [String: String]
    public var vncPort: Int?
    /// The port allocated to the SPICE display, held by the driver until QEMU exits.
    public var spicePort: Int?
    /// Seconds since the epoch when the process started.
    public var startTime: Double
    /// The domain's swtpm processes (`<tpm>` emulators); absent in statuses written before TPM support.
    public var swtpm: [QEMUHelperStatus]?
    /// Memory modules' guest-physical bases by alias (query-memory-devices at start); absent before them.
    public var memoryModuleBases: [String: UInt64]?
    /// virtio-mem devices' plugged sizes at start by alias (they change later: MEMORY_DEVICE_SIZE_CHANGE).
    public var memoryModuleSizes: [String: UInt64]?
    /// The virtiofsd of each virtiofs filesystem; absent before them.
    public var virtiofsd: [QEMUHelperStatus]?
    /// virDomainAgentSetResponseTimeout's seconds, when set (libvirt keeps it in the domain's status).
    public var agentTimeout: Int32?

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? [UInt8](encoder.encode(self))) ?? []
    }

    public static func decode(_ bytes: [UInt8]) throws -> QEMUDomainStatus {
        do {
            return try JSONDecoder().decode(QEMUDomainStatus.self, from: Data(bytes))
        } catch {
            throw QEMUDomainError.badStatus("\(error)")
        }
    }
}

/// Failures of lifecycle operations on a QEMU domain. `description` is the detail; `virtError` puts libvirt's
/// prefix for the code in front, and the wording is libvirt's where it reports the same failure.
public enum QEMUDomainError: Error, Sendable, Equatable, LibvirtMappable, CustomStringConvertible {
    case notRunning(name: String)
    case startFailed(name: String, reason: String)
    case noCharacterDevice(name: String, device: String)
    case notAPty(name: String, device: String)
    case terminateFailed(name: String, pid: Int32)
    case badStatus(String)
    case unsupportedArch(String)
    case unknownMachine(String)
    case wrongEmulator(String)
    case unsupportedVirtType(String, emulator: String)
    /// A lifecycle change that cannot follow the domain's current phase (QEMUDomainPhase), e.g. a reboot of a
    /// domain that is being destroyed.
    case invalidTransition(name: String, phase: String, change: String)

    public var description: String {
        switch self {
        // virDomainObjCheckActive's words, which do not name the domain.
        case .notRunning: return "domain is not running"
        case .startFailed(let name, let reason): return "QEMU for domain '\(name)' failed to start: \(reason)"
        // qemuDomainOpenConsole's words.
        case .noCharacterDevice(_, let device): return "cannot find character device \(device)"
        case .notAPty(_, let device): return "character device \(device) is not using a PTY"
        // virProcessKillPainfully's, a system error: the process outlived the signal (EBUSY).
        case .terminateFailed(_, let pid):
            return "Failed to terminate process \(pid) with SIGTERM: \(String(cString: strerror(EBUSY)))"
        case .badStatus(let reason): return "unreadable domain status: \(reason)"
        case .unsupportedArch(let arch): return "architecture '\(arch)' is not supported; only x86_64 is"
        case .unknownMachine(let machine): return "machine type '\(machine)' is not supported by this QEMU"
        case .wrongEmulator(let path): return "emulator '\(path)' is not an executable QEMU for x86_64"
        case .unsupportedVirtType(let type, let emulator):
            return "Emulator '\(emulator)' does not support virt type '\(type)'"
        case .invalidTransition(let name, let phase, let change):
            return "domain '\(name)' is \(phase) and cannot be \(change) now"
        }
    }

    public var virtError: VirtError {
        switch self {
        case .notRunning, .invalidTransition: return VirtError(.operationInvalid, domain: .qemu, detail: description)
        case .startFailed, .badStatus, .noCharacterDevice, .notAPty:
            return VirtError(.internalError, domain: .qemu, detail: description)
        case .terminateFailed: return VirtError(.systemError, domain: .none, detail: description)
        case .unsupportedArch, .unknownMachine, .wrongEmulator, .unsupportedVirtType:
            return VirtError(.configUnsupported, domain: .qemu, detail: description)
        }
    }
}
