/// The x86 machine families SwiftVirt supports, derived from `<type machine=...>`.
public enum MachineFamily: Sendable, Equatable {
    case pc, q35, microvm

    public init?(machine: String) {
        switch machine {
        case "pc": self = .pc
        case "q35": self = .q35
        case "microvm": self = .microvm
        default:
            if machine.hasPrefix("pc-i440fx-") {
                self = .pc
            } else if machine.hasPrefix("pc-q35-") {
                self = .q35
            } else {
                return nil
            }
        }
    }

    /// The versioned name QEMU 7.2 gives the alias (`pc` → `pc-i440fx-7.2`).
    public static func expand(_ machine: String) -> String {
        switch machine {
        case "pc": return "pc-i440fx-7.2"
        case "q35": return "pc-q35-7.2"
        default: return machine
        }
    }
}

extension DomainOS {
    /// nil when the machine is missing or not supported.
    public var machineFamily: MachineFamily? { machine.flatMap(MachineFamily.init(machine:)) }
}

extension Disk {
    /// Index encoded in the target name: "vda" → 0, "hdc" → 2, "sdaa" → 26. nil when malformed.
    public var targetIndex: Int? {
        // Two-letter prefix (hd, sd, vd, fd, ...) then a base-26 "number" written with letters.
        let suffix = targetDev.dropFirst(2)
        guard !suffix.isEmpty, suffix.allSatisfy({ ("a"..."z").contains($0) }) else { return nil }
        var n = 0
        for ch in suffix.unicodeScalars {
            n = n * 26 + Int(ch.value - UnicodeScalar("a").value) + 1
            if n > 1_000_000 { return nil }
        }
        return n - 1
    }
}
