/// Resource placement and limits of a domain: `<maxMemory>`, `<memtune>`, `<memoryBacking>`, `<vcpus>`,
/// `<iothreads>`, `<cputune>`, `<numatune>`. What the QEMU driver cannot honour of these is refused at start.
public struct DomainTuning: Sendable, Equatable {
    /// `<maxMemory slots=...>`: memory hotplug ceiling, KiB.
    public var maxMemoryKiB: UInt64?
    public var maxMemorySlots: Int?
    /// `<vcpu cpuset=...>`: host CPUs the vCPUs may run on by default.
    public var vcpuCPUSet: CPUSet?
    public var memtune: MemTune?
    public var memoryBacking: MemoryBacking?
    /// `<vcpus>`: per-vCPU state; when present, the enabled ones are `currentVcpus`.
    public var vcpuList: [VCPU] = []
    /// `<iothreads>` count and `<iothreadids>` (ids 1...n unless given).
    public var iothreads: Int?
    public var iothreadIDs: [Int] = []
    public var cputune: CPUTune?
    public var numatune: NUMATune?
    public init() {}

    public var isEmpty: Bool { self == DomainTuning() }

    /// `<memtune>` limits, KiB.
    public struct MemTune: Sendable, Equatable {
        public var hardLimitKiB: UInt64?
        public var softLimitKiB: UInt64?
        public var minGuaranteeKiB: UInt64?
        public var swapHardLimitKiB: UInt64?
        public init() {}
    }

    public struct MemoryBacking: Sendable, Equatable {
        public enum Source: String, Sendable, Equatable, CaseIterable { case anonymous, file, memfd }
        public enum Access: String, Sendable, Equatable, CaseIterable { case shared, `private` }
        public enum Allocation: String, Sendable, Equatable, CaseIterable { case immediate, ondemand }
        /// `<hugepages>` present (kept as written, with its pages; the QEMU driver refuses it at start).
        public var hugepages = false
        public var nosharepages = false
        public var locked = false
        public var source: Source?
        public var access: Access?
        public var allocation: Allocation?
        public var allocationThreads: Int?
        public var discard = false
        public init() {}
    }

    public struct VCPU: Sendable, Equatable {
        public var id: Int
        public var enabled: Bool
        public var hotpluggable: Bool?
        public var order: Int?
        public init(id: Int, enabled: Bool, hotpluggable: Bool? = nil, order: Int? = nil) {
            self.id = id
            self.enabled = enabled
            self.hotpluggable = hotpluggable
            self.order = order
        }
    }

    public struct CPUTune: Sendable, Equatable {
        public struct Pin: Sendable, Equatable {
            /// vCPU or iothread id.
            public var id: Int
            public var cpuset: CPUSet
            public init(id: Int, cpuset: CPUSet) {
                self.id = id
                self.cpuset = cpuset
            }
        }
        public var shares: UInt64?
        public var period: UInt64?
        public var quota: Int64?
        public var globalPeriod: UInt64?
        public var globalQuota: Int64?
        public var emulatorPeriod: UInt64?
        public var emulatorQuota: Int64?
        public var iothreadPeriod: UInt64?
        public var iothreadQuota: Int64?
        public var vcpupins: [Pin] = []
        public var emulatorpin: CPUSet?
        public var iothreadpins: [Pin] = []
        public init() {}
    }

    public struct NUMATune: Sendable, Equatable {
        public enum Mode: String, Sendable, Equatable, CaseIterable { case strict, preferred, interleave, restrictive }
        public enum Placement: String, Sendable, Equatable, CaseIterable { case `static`, auto }
        public var mode: Mode?
        public var nodeset: CPUSet?
        public var placement: Placement?
        public init() {}
    }
}

/// A set of CPU (or NUMA node) numbers in libvirt's syntax: `0-3,^2,8`.
public struct CPUSet: Sendable, Equatable, CustomStringConvertible {
    public var members: [Int]
    public init(_ members: [Int]) { self.members = members.sorted() }

    public init?(parsing text: String) {
        var set = Set<Int>()
        var excluded = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(part).trimmingWhitespace()
            let negative = item.hasPrefix("^")
            let body = negative ? String(item.dropFirst()) : item
            let bounds = body.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]), low >= 0,
                let high = bounds.count == 2 ? Int(bounds[1]) : low, high >= low, high < 4096
            else { return nil }
            if negative { excluded.formUnion(low...high) } else { set.formUnion(low...high) }
        }
        let members = set.subtracting(excluded)
        guard !members.isEmpty else { return nil }
        self.members = members.sorted()
    }

    /// libvirt's canonical form: ranges joined by commas (`0-2,5`).
    public var description: String {
        var out: [String] = []
        var i = 0
        while i < members.count {
            var j = i
            while j + 1 < members.count && members[j + 1] == members[j] + 1 { j += 1 }
            out.append(i == j ? "\(members[i])" : "\(members[i])-\(members[j])")
            i = j + 1
        }
        return out.joined(separator: ",")
    }
}
