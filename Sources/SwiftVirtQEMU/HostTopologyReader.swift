import FoundationEssentials
import Glibc
import SwiftVirtCore

/// Reads the host's NUMA topology from sysfs as libvirt's capabilities show it. A host without NUMA nodes in
/// sysfs is one cell holding all memory and all online CPUs, as libvirt fakes it.
enum HostTopologyReader {
    static func read(sysRoot: String = "/sys/devices/system", procRoot: String = "/proc") -> HostTopology {
        let nodeIDs = LinuxNodeStatsFormat.list(text(sysRoot + "/node/online") ?? "") ?? []
        let pageKiB = UInt64(max(1, sysconf(Int32(_SC_PAGESIZE))) / 1024)
        let hugeSizes = hugePageSizes(sysRoot + "/node/node\(nodeIDs.first ?? 0)/hugepages")
        if nodeIDs.isEmpty {
            let memory = LinuxNodeStatsFormat.memoryValues(text(procRoot + "/meminfo") ?? "", limit: 1).first?.value ?? 0
            let cpus = LinuxNodeStatsFormat.list(text(sysRoot + "/cpu/online") ?? "0") ?? [0]
            return HostTopology(cells: [
                HostTopology.Cell(
                    id: 0, memoryKiB: memory, pages: [(pageKiB, memory / pageKiB)], distances: [],
                    cpus: cpus.map { cpu($0, sysRoot) })
            ])
        }
        return HostTopology(
            cells: nodeIDs.map { id in
                let dir = "\(sysRoot)/node/node\(id)"
                let memory = LinuxNodeStatsFormat.memoryValues(text(dir + "/meminfo") ?? "", limit: 1).first?.value ?? 0
                var pages: [(sizeKiB: UInt64, count: UInt64)] = []
                var hugeKiB: UInt64 = 0
                for size in hugeSizes {
                    let count = UInt64(text("\(dir)/hugepages/hugepages-\(size)kB/nr_hugepages")?.trimmed ?? "") ?? 0
                    hugeKiB += count * size
                    pages.append((size, count))
                }
                pages.insert((pageKiB, (memory - min(memory, hugeKiB)) / pageKiB), at: 0)
                let distanceValues = (text(dir + "/distance") ?? "").split(whereSeparator: \.isWhitespace)
                    .compactMap { Int($0) }
                let distances = zip(nodeIDs, distanceValues).map { (id: $0, value: $1) }
                let cpus = LinuxNodeStatsFormat.list(text(dir + "/cpulist") ?? "") ?? []
                return HostTopology.Cell(
                    id: id, memoryKiB: memory, pages: pages, distances: distances, cpus: cpus.map { cpu($0, sysRoot) })
            })
    }

    private static func cpu(_ id: Int, _ sysRoot: String) -> HostTopology.CPU {
        let dir = "\(sysRoot)/cpu/cpu\(id)/topology"
        func number(_ name: String) -> Int { Int(text("\(dir)/\(name)")?.trimmed ?? "") ?? 0 }
        return HostTopology.CPU(
            id: id, socket: number("physical_package_id"), die: number("die_id"), core: number("core_id"),
            siblings: text(dir + "/thread_siblings_list")?.trimmed ?? "\(id)")
    }

    /// Huge page sizes in KiB, ascending ("hugepages-2048kB" directories).
    private static func hugePageSizes(_ dir: String) -> [UInt64] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return entries.compactMap { name -> UInt64? in
            guard name.hasPrefix("hugepages-"), name.hasSuffix("kB") else { return nil }
            return UInt64(name.dropFirst("hugepages-".count).dropLast(2))
        }.sorted()
    }

    private static func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
}

extension String {
    fileprivate var trimmed: String { String(filter { !$0.isWhitespace }) }
}
