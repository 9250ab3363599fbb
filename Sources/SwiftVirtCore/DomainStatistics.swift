/// One named, typed value of a statistics answer: libvirt's virTypedParameter as stats records and
/// virDomainBlockStatsFlags / virDomainGetCPUStats carry them.
public struct TypedStat: Sendable, Equatable, CustomStringConvertible {
    public enum Value: Sendable, Equatable {
        case int(Int32)
        case uint(UInt32)
        case llong(Int64)
        case ullong(UInt64)
        case boolean(Bool)
        case string(String)
    }
    public var name: String
    public var value: Value

    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }
}

/// virConnectGetAllDomainStats' groups (VIR_DOMAIN_STATS_*), in the order libvirt's QEMU driver fills a record.
public enum DomainStatsGroup: UInt32, Sendable, CaseIterable {
    case state = 0x1
    case cpuTotal = 0x2
    case balloon = 0x4
    case vcpu = 0x8
    case interface = 0x10
    case block = 0x20
    case perf = 0x40
    case iothread = 0x80
    case memory = 0x100
    case dirtyRate = 0x200
    case vm = 0x400
}

/// A guest's block I/O counters (virDomainBlockStats and the frontend part of the `block` group).
public struct BlockIOTotals: Sendable, Equatable {
    public var readRequests: UInt64 = 0
    public var readBytes: UInt64 = 0
    public var readTimeNanoseconds: UInt64 = 0
    public var writeRequests: UInt64 = 0
    public var writeBytes: UInt64 = 0
    public var writeTimeNanoseconds: UInt64 = 0
    public var flushRequests: UInt64 = 0
    public var flushTimeNanoseconds: UInt64 = 0

    public init() {}

    public static func + (a: BlockIOTotals, b: BlockIOTotals) -> BlockIOTotals {
        var sum = a
        sum.readRequests += b.readRequests
        sum.readBytes += b.readBytes
        sum.readTimeNanoseconds += b.readTimeNanoseconds
        sum.writeRequests += b.writeRequests
        sum.writeBytes += b.writeBytes
        sum.writeTimeNanoseconds += b.writeTimeNanoseconds
        sum.flushRequests += b.flushRequests
        sum.flushTimeNanoseconds += b.flushTimeNanoseconds
        return sum
    }
}

/// A guest interface's counters as the guest sees them (virDomainInterfaceStats).
public struct InterfaceCounters: Sendable, Equatable {
    public var rxBytes: Int64 = 0
    public var rxPackets: Int64 = 0
    public var rxErrors: Int64 = 0
    public var rxDrops: Int64 = 0
    public var txBytes: Int64 = 0
    public var txPackets: Int64 = 0
    public var txErrors: Int64 = 0
    public var txDrops: Int64 = 0

    public init() {}
}

/// virDomainMemoryStats' tags (VIR_DOMAIN_MEMORY_STAT_*).
public enum MemoryStatTag: Int32, Sendable, CaseIterable {
    case swapIn = 0, swapOut, majorFault, minorFault, unused, available, actualBalloon, rss, usable, lastUpdate
    case diskCaches, hugetlbAllocations, hugetlbFailures

    /// The name the `balloon` stats group gives it (`balloon.<name>`); nil for the balloon size, which the group
    /// reports as `balloon.current` from the definition.
    public var balloonStatName: String? {
        switch self {
        case .swapIn: "swap_in"
        case .swapOut: "swap_out"
        case .majorFault: "major_fault"
        case .minorFault: "minor_fault"
        case .unused: "unused"
        case .available: "available"
        case .actualBalloon: nil
        case .rss: "rss"
        case .usable: "usable"
        case .lastUpdate: "last-update"
        case .diskCaches: "disk_caches"
        case .hugetlbAllocations: "hugetlb_pgalloc"
        case .hugetlbFailures: "hugetlb_pgfail"
        }
    }
}

/// The five figures of virDomainBlockStats (the call without flags and typed parameters).
public struct LegacyBlockStats: Sendable, Equatable {
    public var readRequests: Int64
    public var readBytes: Int64
    public var writeRequests: Int64
    public var writeBytes: Int64
    /// -1 where the hypervisor does not count errors.
    public var errors: Int64

    public init(readRequests: Int64, readBytes: Int64, writeRequests: Int64, writeBytes: Int64, errors: Int64) {
        (self.readRequests, self.readBytes, self.writeRequests, self.writeBytes) =
            (readRequests, readBytes, writeRequests, writeBytes)
        self.errors = errors
    }
}

/// A running domain that answers virDomainBlockStats.
public protocol DomainBlockStatistics: RunningDomain {
    /// One disk by target or source path, or (where the driver can) every disk summed when `disk` is empty.
    func legacyBlockStats(disk: String) async throws -> LegacyBlockStats
}

/// A running domain that answers virDomainInterfaceStats.
public protocol DomainInterfaceStatistics: RunningDomain {
    /// One interface by host device name or MAC address.
    func interfaceCounters(_ device: String) async throws -> InterfaceCounters
}

/// A running domain that answers virDomainMemoryStats.
public protocol DomainMemoryStatistics: RunningDomain {
    /// The balloon's figures and the process's resident size, in the driver's order.
    func memoryStats() async throws -> [(tag: MemoryStatTag, value: UInt64)]
}

/// A running domain whose balloon refreshes its statistics as often as virDomainSetMemoryStatsPeriod asks.
public protocol DomainBalloonPeriod: RunningDomain {
    /// How often the guest's balloon driver refreshes its statistics, in seconds (0: never).
    func setMemoryStatsPeriod(_ seconds: Int32) async throws
}

/// A running domain that answers virDomainGetCPUStats.
public protocol DomainCPUStatistics: RunningDomain {
    /// The process's CPU time: total, user and system, in nanoseconds.
    func cpuTimes() async throws -> (total: UInt64, user: UInt64, system: UInt64)
    /// CPU time per host CPU (index = CPU number), of the whole process and of its vCPU threads.
    func perHostCPUTimes() async throws -> (all: [UInt64], vcpus: [UInt64])
}

/// A running domain that reports all of libvirt's statistics as its QEMU driver does: the per-call ones above
/// plus virConnectGetAllDomainStats' groups, virDomainBlockStatsFlags and the balloon period. A driver that
/// cannot does not adopt it; its running domains then report in stats records only what their definition says.
public protocol DomainStatistics: DomainBlockStatistics, DomainInterfaceStatistics, DomainMemoryStatistics,
    DomainBalloonPeriod, DomainCPUStatistics
{
    /// The groups this domain fills while running; asking for others with ENFORCE_STATS is an error.
    nonisolated var supportedStatsGroups: [DomainStatsGroup] { get }
    /// The entries of one group (not `state`, which the daemon knows), in libvirt's order and names. `backing`:
    /// every image of a disk's chain in the `block` group. Failures to query leave entries out, as libvirt does.
    func statistics(_ group: DomainStatsGroup, backing: Bool) async -> [TypedStat]
    /// Block I/O of one disk by target or source path, or of every disk summed when `disk` is empty.
    func blockIO(disk: String) async throws -> BlockIOTotals
}

extension DomainStatistics {
    /// virDomainBlockStats from the block I/O counters; QEMU does not count errors.
    public func legacyBlockStats(disk: String) async throws -> LegacyBlockStats {
        let io = try await blockIO(disk: disk)
        let values = [io.readRequests, io.readBytes, io.writeRequests, io.writeBytes]
        guard values.allSatisfy({ $0 <= UInt64(Int64.max) }) else {
            throw VirtError(.overflow, domain: .qemu, detail: "statistic value too large")
        }
        return LegacyBlockStats(
            readRequests: Int64(io.readRequests), readBytes: Int64(io.readBytes),
            writeRequests: Int64(io.writeRequests), writeBytes: Int64(io.writeBytes), errors: -1)
    }
}

/// A hypervisor driver whose stats records hold a fixed set of groups, filled from each domain's definition and
/// whether it runs, rather than from its running domains (libvirt's test driver).
public protocol DefinitionDomainStats: HypervisorDriver {
    /// The groups every record may hold (`state` included); asking for others with ENFORCE_STATS is an error.
    var statsGroups: [DomainStatsGroup] { get }
    /// The entries of one group (not `state`, which the daemon knows) of a domain defined as `definition`.
    func statistics(_ group: DomainStatsGroup, of definition: DomainDefinition, active: Bool) -> [TypedStat]
}

/// A hypervisor driver that answers virDomainGetBlockInfo from the definition alone, running or not (libvirt's
/// test driver), rather than from its running domains (`DiskBlockInfo`) or the image file.
public protocol DefinitionBlockInfo: HypervisorDriver {
    func blockInfo(disk: String, of definition: DomainDefinition) throws -> BlockInfo
}

extension VirtError {
    /// libvirt's error for a balloon statistics period asked of a domain without a balloon.
    public static var noMemoryBalloon: VirtError {
        VirtError(
            .internalError, domain: .qemu, detail: "No memory balloon device configured, can not set the collection period")
    }
}
