import Glibc
import SwiftVirtCore

/// The per-call statistics of libvirt's test driver. There is no guest to count anything: block and interface
/// counters are fractions of the wall clock in microseconds, so they grow like a busy guest's; memory and CPU
/// figures are fixed or derived from the definition.
extension TestDomain: DomainBlockStatistics, DomainInterfaceStatistics, DomainMemoryStatistics, DomainBalloonPeriod,
    DomainCPUStatistics
{
    /// The wall clock in microseconds, the base of the counters.
    private static func clockMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }

    /// One disk by target or source path; summing every disk is not offered.
    func legacyBlockStats(disk: String) async throws -> LegacyBlockStats {
        guard !disk.isEmpty else {
            throw VirtError(.operationUnsupported, domain: .test, detail: "summary statistics are not supported yet")
        }
        _ = try TestDriver.disk(disk, of: definition) {
            VirtError(.invalidArg, domain: .test, detail: "invalid path: \(disk)")
        }
        let t = Self.clockMicroseconds()
        return LegacyBlockStats(
            readRequests: t / 10, readBytes: t / 20, writeRequests: t / 30, writeBytes: t / 40, errors: t / 2_000_000)
    }

    /// One interface by MAC address or host device name (`testnetN`).
    func interfaceCounters(_ device: String) async throws -> InterfaceCounters {
        let interfaces = definition.devices.interfaces
        let found =
            if let mac = MACAddress(string: device) {
                interfaces.contains { $0.mac == mac }
            } else {
                interfaces.contains { $0.targetDev == device }
            }
        guard found else {
            throw VirtError(.invalidArg, domain: .test, detail: "'\(device)' is not a known interface")
        }
        let t = Self.clockMicroseconds()
        var c = InterfaceCounters()
        (c.rxBytes, c.rxPackets, c.rxErrors, c.rxDrops) = (t / 10, t / 100, t / 1_000_000, t / 2_000_000)
        (c.txBytes, c.txPackets, c.txErrors, c.txDrops) = (t / 20, t / 110, t / 3_000_000, t / 4_000_000)
        return c
    }

    /// With a balloon, figures derived from the current memory in libvirt's test driver's order; without, none.
    func memoryStats() async throws -> [(tag: MemoryStatTag, value: UInt64)] {
        guard hasBalloon else { return [] }
        let current = definition.currentMemoryKiB
        return [
            (.actualBalloon, current), (.swapIn, 0), (.swapOut, 0), (.majorFault, 0), (.minorFault, 0),
            (.unused, current / 2), (.available, current), (.usable, current / 2), (.lastUpdate, 627_319_920),
            (.diskCaches, current / 8), (.hugetlbAllocations, 0), (.hugetlbFailures, 0), (.rss, current / 2),
        ]
    }

    /// Only recorded in the live definition (by the daemon): there is no balloon driver to tell.
    func setMemoryStatsPeriod(_ seconds: Int32) async throws {
        guard hasBalloon else { throw VirtError.noMemoryBalloon }
    }

    private var hasBalloon: Bool { definition.devices.memballoon.map { $0.model != .none } ?? false }

    /// libvirt's test driver's fixed total CPU time, in nanoseconds.
    private static let totalCPUTime: UInt64 = 48_772_617_035

    func cpuTimes() async throws -> (total: UInt64, user: UInt64, system: UInt64) {
        (Self.totalCPUTime, 5_540_000_000, 6_460_000_000)
    }

    /// The total shared by as many host CPUs as the test node has cores per socket (libvirt's test driver's
    /// count), each a nanosecond more than the one before; vCPU time a fixed 1.23 s less.
    func perHostCPUTimes() async throws -> (all: [UInt64], vcpus: [UInt64]) {
        let cpus = Int(TestHost.node.cores)
        let all = (0..<cpus).map { Self.totalCPUTime / UInt64(cpus) + UInt64($0) }
        return (all, all.map { $0 - 1_234_567_890 })
    }
}
