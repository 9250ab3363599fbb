import FoundationEssentials
import Glibc
import SwiftVirtCore

/// Facts about the host for NODE_GET_INFO and GET_HOSTNAME, read from /proc.
struct HostInfo: Sendable {
    var model = "x86_64"
    var memoryKiB: UInt64 = 0
    var cpus: Int32 = 1
    var mhz: Int32 = 0
    var sockets: Int32 = 1
    var cores: Int32 = 1
    var threads: Int32 = 1

    /// As virNodeGetInfo reports it: one NUMA node.
    var facts: NodeFacts {
        NodeFacts(
            model: model, memoryKiB: memoryKiB, cpus: cpus, mhz: mhz, nodes: 1, sockets: sockets, cores: cores,
            threads: threads)
    }

    static func read() -> HostInfo {
        var info = HostInfo()
        var u = utsname()
        if uname(&u) == 0 {
            info.model = withUnsafeBytes(of: &u.machine) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
            let kib = UInt64(line.split(separator: " ").dropFirst().first ?? "")
        {
            info.memoryKiB = kib
        }
        info.cpus = Int32(ProcessInfo.processInfo.activeProcessorCount)
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            var physical = Set<Substring>()
            for line in cpuinfo.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingWhitespace() }
                guard parts.count == 2 else { continue }
                if parts[0] == "cpu MHz", info.mhz == 0, let v = Double(parts[1]) { info.mhz = Int32(v) }
                if parts[0] == "physical id" { physical.insert(Substring(parts[1])) }
                if parts[0] == "cpu cores", let v = Int32(parts[1]) { info.cores = v }
            }
            info.sockets = Int32(max(1, physical.count))
            info.threads = max(1, info.cpus / max(1, info.sockets * info.cores))
        }
        return info
    }

    static func hostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return "localhost" }
        return String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
