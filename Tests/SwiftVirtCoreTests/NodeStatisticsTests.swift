import Testing

@testable import SwiftVirtCore

@Suite struct NodeStatisticsFormatTests {
    @Test func wholeHostMeminfoGivesLibvirtsFourFieldsInFileOrder() {
        let text = """
            MemTotal:       24683772 kB
            MemFree:        23987076 kB
            MemAvailable:   24100000 kB
            Buffers:            5424 kB
            Cached:           133908 kB
            SwapCached:            0 kB
            """
        #expect(
            LinuxNodeStatsFormat.memoryValues(text, limit: 4) == [
                NodeStatValue("total", 24_683_772), NodeStatValue("free", 23_987_076),
                NodeStatValue("buffers", 5424), NodeStatValue("cached", 133_908),
            ])
    }

    @Test func nodeMeminfoSkipsTheNodePrefixAndStopsAtTheLimit() {
        let text = "Node 0 MemTotal:       24683772 kB\nNode 0 MemFree:        2000 kB\nNode 0 MemUsed:   1 kB\n"
        #expect(
            LinuxNodeStatsFormat.memoryValues(text, limit: 2) == [
                NodeStatValue("total", 24_683_772), NodeStatValue("free", 2000),
            ])
    }

    @Test func procStatLinesBecomeKernelUserIdleIowaitNanoseconds() {
        let text = """
            cpu  100 5 20 1000 7 2 3 0 0 0
            cpu0 60 5 10 500 3 1 1 0 0 0
            cpu1 40 0 10 500 4 1 2 0 0 0
            intr 12345
            """
        #expect(
            LinuxNodeStatsFormat.cpuValues(text, cpu: nil, ticksPerSecond: 100) == [
                NodeStatValue("kernel", 250_000_000), NodeStatValue("user", 1_050_000_000),
                NodeStatValue("idle", 10_000_000_000), NodeStatValue("iowait", 70_000_000),
            ])
        #expect(LinuxNodeStatsFormat.cpuValues(text, cpu: 1, ticksPerSecond: 100)?[1] == NodeStatValue("user", 400_000_000))
        // "cpu1" must not match "cpu10"; a CPU the host does not have has no line.
        #expect(LinuxNodeStatsFormat.cpuValues(text, cpu: 7, ticksPerSecond: 100) == nil)
    }

    @Test func cpuListsAndBitmaps() {
        #expect(LinuxNodeStatsFormat.list("0-3,5\n") == [0, 1, 2, 3, 5])
        #expect(LinuxNodeStatsFormat.list("1") == [1])
        #expect(LinuxNodeStatsFormat.list("3-1") == nil)
        #expect(LinuxNodeStatsFormat.bitmap([0, 2, 4], size: 0) == [0x15])
        #expect(LinuxNodeStatsFormat.bitmap([0, 9], size: 0) == [0x01, 0x02])
    }

    @Test func rawInvalidArgumentHasNoPrefix() {
        let error = VirtError.rawInvalidArg("Invalid cpuNum in virHostCPUGetStatsLinux")
        #expect(error.code == .invalidArg && error.domain == .none)
        #expect(error.message == "Invalid cpuNum in virHostCPUGetStatsLinux")
    }

    @Test func topologyXMLAsLibvirtsCapabilities() {
        let topology = HostTopology(cells: [
            HostTopology.Cell(
                id: 0, memoryKiB: 8192, pages: [(4, 2048), (2048, 0)], distances: [(0, 10)],
                cpus: [HostTopology.CPU(id: 0, socket: 0, die: 0, core: 0, siblings: "0")])
        ])
        #expect(
            topology.xml == """
                    <topology>
                      <cells num='1'>
                        <cell id='0'>
                          <memory unit='KiB'>8192</memory>
                          <pages unit='KiB' size='4'>2048</pages>
                          <pages unit='KiB' size='2048'>0</pages>
                          <distances>
                            <sibling id='0' value='10'/>
                          </distances>
                          <cpus num='1'>
                            <cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0'/>
                          </cpus>
                        </cell>
                      </cells>
                    </topology>

                """)
    }
}
