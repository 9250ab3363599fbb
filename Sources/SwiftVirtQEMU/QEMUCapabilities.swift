import FoundationEssentials
import Glibc
import SwiftVirtSystem

/// Facts about the installed QEMU binary, read once when the driver starts.
public struct QEMUCapabilities: Sendable, Equatable {
    public struct Machine: Sendable, Equatable {
        public var name: String
        /// For aliases such as "pc": the versioned machine it stands for.
        public var canonical: String?
        public var isDefault: Bool
    }

    public var emulator: String
    /// major*1_000_000 + minor*1_000 + micro.
    public var version: UInt64
    public var machines: [Machine]

    /// The machine QEMU marks "(default)", else the first listed.
    public var defaultMachine: String {
        machines.first(where: \.isDefault)?.name ?? machines.first?.name ?? "pc"
    }

    /// Resolves "pc"/"q35" to their versioned names, as libvirt stores them; nil if QEMU has no such machine.
    public func canonicalMachine(_ name: String) -> String? {
        guard let machine = machines.first(where: { $0.name == name }) else { return nil }
        return machine.canonical ?? machine.name
    }

    /// "QEMU emulator version 7.2.22 (Debian ...)" → 7002022.
    public static func parseVersion(_ text: String) -> UInt64? {
        guard let range = text.firstRange(of: "version ") else { return nil }
        let numbers = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }.split(separator: ".")
        guard numbers.count >= 2, let major = UInt64(numbers[0]), let minor = UInt64(numbers[1]) else { return nil }
        let micro = numbers.count > 2 ? UInt64(numbers[2]) ?? 0 : 0
        return major * 1_000_000 + minor * 1_000 + micro
    }

    /// Parses `-machine help`: "name   description (alias of X)" lines, "(default)" marking the default.
    public static func parseMachines(_ text: String) -> [Machine] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard let name = parts.first, !line.hasPrefix(" "), name != "none" else { return nil }
            let rest = parts.count > 1 ? String(parts[1]) : ""
            var canonical: String?
            if let alias = rest.firstRange(of: "(alias of ") {
                canonical = String(rest[alias.upperBound...].prefix { $0 != ")" })
            }
            return Machine(name: String(name), canonical: canonical, isDefault: rest.contains("(default)"))
        }
    }

    /// Runs the emulator to learn its version and machines. Blocking (two child processes): call it on the
    /// blocking executor.
    public static func probe(emulator: String) throws -> QEMUCapabilities {
        let versionText = try run(emulator, ["--version"])
        let machineText = try run(emulator, ["-machine", "help"])
        guard let version = parseVersion(versionText) else {
            throw QEMUDomainError.wrongEmulator(emulator)
        }
        return QEMUCapabilities(emulator: emulator, version: version, machines: parseMachines(machineText))
    }

    private static func run(_ path: String, _ arguments: [String]) throws -> String {
        do { return try ChildProcess.run(path, arguments).standardOutput } catch {
            throw QEMUDomainError.wrongEmulator(path)
        }
    }
}
