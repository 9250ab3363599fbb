import Foundation
import SwiftVirtCore
import SwiftVirtSystem
import Testing

@testable import SwiftVirtQEMU

/// The pure parts of a running guest's statistics: /proc lines and QMP replies turned into libvirt's figures.
struct StatsParsingTests {
    private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    @Test func procStatSkipsACommandNameWithSpacesAndParentheses() throws {
        // pid (comm) state ppid ... utime=14 stime=15 ... rss=24 ... processor=39
        var fields = (3...52).map { String($0) }
        fields[0] = "S"
        fields[14 - 3] = "250"
        fields[15 - 3] = "40"
        fields[24 - 3] = "6000"
        fields[39 - 3] = "3"
        let line = "4242 (qemu (vcpu 0) x) " + fields.joined(separator: " ")
        let stat = try #require(ProcStat(line))
        #expect(stat == ProcStat(userTicks: 250, systemTicks: 40, residentPages: 6000, processor: 3))
        let ns = stat.nanoseconds(ticksPerSecond: 100)
        #expect(ns.user == 2_500_000_000 && ns.system == 400_000_000)
        #expect(ProcStat("4242 (short) S 1 2") == nil)
    }

    @Test func schedFiguresOfAThread() {
        #expect(ThreadSchedFigures.delay(schedstat: "2550000000 10074045 311\n") == 10_074_045)
        #expect(ThreadSchedFigures.delay(schedstat: "") == nil)
        let sched = """
            CPU 0/TCG (4243, #threads: 9)
            -------------------------------------------------------------------
            se.exec_start                                :      31234567.123456
            se.statistics.wait_sum                       :            12.500000
            """
        #expect(ThreadSchedFigures.wait(sched: sched) == 12_500_000)
        #expect(ThreadSchedFigures.wait(sched: "se.wait_sum : 2.0") == 2_000_000)
        #expect(ThreadSchedFigures.wait(sched: "nr_switches : 4") == 0)
    }

    @Test func tapCountersAreSwappedToTheGuestsView() throws {
        let dev = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
             vnet0:    2296      12    1    2    0     0          0         0      586       7    3    4    0     0       0          0
            """
        let tap = try #require(NetDevCounters.counters(of: "vnet0", in: dev, swapped: true))
        #expect(tap.rxBytes == 586 && tap.rxPackets == 7 && tap.rxErrors == 3 && tap.rxDrops == 4)
        #expect(tap.txBytes == 2296 && tap.txPackets == 12 && tap.txErrors == 1 && tap.txDrops == 2)
        let macvtap = try #require(NetDevCounters.counters(of: "vnet0", in: dev, swapped: false))
        #expect(macvtap.rxBytes == 2296 && macvtap.txBytes == 586)
        #expect(NetDevCounters.counters(of: "vnet", in: dev, swapped: true) == nil)
    }

    @Test func blockstatsRepliesKeyedAsLibvirtLooksThemUp() throws {
        let devices = try json(
            """
            [{"device": "", "node-name": "libvirt-1-format", "qdev": "/machine/peripheral/virtio-disk0/virtio-backend",
              "stats": {"rd_bytes": 4608, "wr_bytes": 512, "rd_operations": 2, "wr_operations": 1,
                        "flush_operations": 3, "rd_total_time_ns": 300219, "wr_total_time_ns": 10,
                        "flush_total_time_ns": 20, "wr_highest_offset": 0}}]
            """)
        let nodes = try json(
            """
            [{"node-name": "libvirt-1-format", "stats": {"wr_highest_offset": 0},
              "parent": {"node-name": "libvirt-1-storage", "stats": {"wr_highest_offset": 1048576}}}]
            """)
        let named = try json(
            """
            [{"node-name": "libvirt-1-format", "image": {"virtual-size": 16777216, "actual-size": 0}},
             {"node-name": "libvirt-1-storage", "image": {"virtual-size": 16777216}}]
            """)
        let figures = QMPBlockFigures(blockstats: devices, nodeStats: nodes, namedNodes: named)
        let io = try #require(figures.frontends["libvirt-1-format"])
        #expect(figures.frontends["/machine/peripheral/virtio-disk0/virtio-backend"] == io)
        #expect(io.readRequests == 2 && io.readBytes == 4608 && io.readTimeNanoseconds == 300219)
        #expect(io.writeRequests == 1 && io.writeBytes == 512 && io.writeTimeNanoseconds == 10)
        #expect(io.flushRequests == 3 && io.flushTimeNanoseconds == 20)
        #expect(figures.nodes["libvirt-1-format"] == .init(highestWrite: 1_048_576, capacity: 16_777_216, physical: 0))
        // Without actual-size the image is not thin: its physical size is its capacity.
        #expect(figures.nodes["libvirt-1-storage"]?.physical == 16_777_216)
        #expect((io + io).readBytes == 9216)
    }

    @Test func balloonGuestStatsLeaveOutWhatTheGuestNeverReported() throws {
        let reply = try json(
            """
            {"last-update": 1700000000, "stats": {"stat-swap-in": 4096, "stat-swap-out": 18446744073709551615,
             "stat-major-faults": 951, "stat-minor-faults": 697283, "stat-free-memory": 686350336,
             "stat-total-memory": 1019924480, "stat-available-memory": -1, "stat-disk-caches": 2048,
             "stat-htlb-pgalloc": 0, "stat-htlb-pgfail": 0}}
            """)
        let entries = BalloonGuestStats.entries(reply).map { "\($0.tag.balloonStatName ?? "?")=\($0.value)" }
        #expect(
            entries == [
                "swap_in=4", "major_fault=951", "minor_fault=697283", "unused=670264", "available=996020",
                "last-update=1700000000", "disk_caches=2", "hugetlb_pgalloc=0", "hugetlb_pgfail=0",
            ])
        // The balloon never polled: only the time of the last update (0).
        let idle = try json(#"{"last-update": 0, "stats": {"stat-swap-in": 18446744073709551615}}"#)
        #expect(BalloonGuestStats.entries(idle).map(\.tag) == [.lastUpdate])
    }

    @Test func dirtyRateAndIOThreadGroups() throws {
        let unstarted = try json(
            #"{"status": "unstarted", "start-time": 0, "calc-time": 0, "sample-pages": 512, "mode": "page-sampling"}"#)
        #expect(
            DirtyRateStats.entries(unstarted) == [
                TypedStat("dirtyrate.calc_status", .int(0)), TypedStat("dirtyrate.calc_start_time", .llong(0)),
                TypedStat("dirtyrate.calc_period", .int(0)), TypedStat("dirtyrate.calc_mode", .string("page-sampling")),
            ])
        let measured = try json(
            """
            {"status": "measured", "start-time": 77, "calc-time": 1, "dirty-rate": 12, "mode": "dirty-ring",
             "vcpu-dirty-rate": [{"id": 0, "dirty-rate": 5}]}
            """)
        #expect(
            DirtyRateStats.entries(measured).suffix(3) == [
                TypedStat("dirtyrate.calc_mode", .string("dirty-ring")),
                TypedStat("dirtyrate.megabytes_per_second", .llong(12)),
                TypedStat("dirtyrate.vcpu.0.megabytes_per_second", .ullong(5)),
            ])
        #expect(IOThreadStats.entries(try json("[]")).isEmpty)
        let threads = try json(
            #"[{"id": "iothread2", "thread-id": 99, "poll-max-ns": 32768, "poll-grow": 0, "poll-shrink": 0}]"#)
        #expect(
            IOThreadStats.entries(threads) == [
                TypedStat("iothread.count", .uint(1)), TypedStat("iothread.2.poll-max-ns", .ullong(32768)),
                TypedStat("iothread.2.poll-grow", .uint(0)), TypedStat("iothread.2.poll-shrink", .uint(0)),
            ])
    }

    @Test func queryStatsNamedByTheirSchemaKind() throws {
        let schema = QueryStatsFigures.schema(
            try json(
                """
                [{"provider": "kvm", "target": "vm", "stats": [
                  {"name": "max_mmu_page_hash_collisions", "type": "peak", "unit": "boolean", "base": 10, "exponent": 0},
                  {"name": "pages_4k", "type": "instant", "base": 10, "exponent": 0},
                  {"name": "remote_tlb_flush", "type": "cumulative", "base": 10, "exponent": 0},
                  {"name": "halt_poll_fail_hist", "type": "log2-histogram", "base": 2, "exponent": 0}]}]
                """))
        let result = try json(
            """
            {"provider": "kvm", "stats": [{"name": "pages_4k", "value": 3072}, {"name": "remote_tlb_flush", "value": 7},
             {"name": "max_mmu_page_hash_collisions", "value": false}, {"name": "halt_poll_fail_hist", "value": [1, 2]},
             {"name": "unknown", "value": 1}]}
            """)
        #expect(
            QueryStatsFigures.entries(result, schema: schema, prefix: "vm") == [
                TypedStat("vm.pages_4k.cur", .ullong(3072)), TypedStat("vm.remote_tlb_flush.sum", .ullong(7)),
                TypedStat("vm.max_mmu_page_hash_collisions.max", .boolean(false)),
            ])
    }
}
