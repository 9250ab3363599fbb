import CSwiftVirtSys
import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// `<cputune>`, `<vcpu cpuset>` and `<memtune>` applied to a started (still paused) QEMU: vCPU, iothread and
/// emulator threads pinned with sched_setaffinity, and a cgroup (v1 `cpu` and `memory` controllers, libvirt's
/// layout: a domain group with `vcpuN`, `emulator` and `iothreadN` children) for CPU bandwidth, shares and memory
/// limits. The thread ids come from QMP (`query-cpus-fast`, `query-iothreads`).
struct QEMUThreadTuning {
    let definition: DomainDefinition
    let pid: Int32
    /// `machine/swiftvirt-ID-NAME` under each controller's mount.
    let groupName: String

    static let cgroupRoot = "/sys/fs/cgroup"

    init(definition: DomainDefinition, pid: Int32, id: Int32) {
        self.definition = definition
        self.pid = pid
        self.groupName = "machine/swiftvirt-\(id)-\(definition.name.prefix(20))"
    }

    var needsCgroups: Bool {
        let c = definition.tuning.cputune
        return c?.shares != nil || c?.period != nil || c?.quota != nil || c?.globalPeriod != nil
            || c?.globalQuota != nil || c?.emulatorPeriod != nil || c?.emulatorQuota != nil
            || c?.iothreadPeriod != nil || c?.iothreadQuota != nil || definition.tuning.memtune != nil
    }

    func apply(_ qmp: QMPClient) async throws {
        let t = definition.tuning
        let pinning = t.cputune.map { !$0.vcpupins.isEmpty || $0.emulatorpin != nil || !$0.iothreadpins.isEmpty } ?? false
        guard pinning || t.vcpuCPUSet != nil || needsCgroups else { return }
        let vcpus = try await threadIDs(qmp, "query-cpus-fast", key: "cpu-index", thread: "thread-id")
        let iothreads = try await threadIDs(qmp, "query-iothreads", key: "id", thread: "thread-id")
        let special = Set(vcpus.values).union(iothreads.values)
        let emulatorThreads = Self.threads(of: pid).filter { !special.contains($0) }
        try await BlockingIO.run { [self] in
            try pin(vcpus: vcpus, iothreads: iothreads, emulator: emulatorThreads)
            if needsCgroups { try placeInCgroups(vcpus: vcpus, iothreads: iothreads, emulator: emulatorThreads) }
        }
    }

    /// Removes the domain's cgroups (once its process is gone).
    func removeCgroups() {
        for controller in ["cpu", "memory"] {
            let group = "\(Self.cgroupRoot)/\(controller)/\(groupName)"
            if let children = try? FileManager.default.contentsOfDirectory(atPath: group) {
                for child in children where !child.contains(".") && child != "tasks" { rmdir("\(group)/\(child)") }
            }
            rmdir(group)
        }
    }

    // MARK: pinning

    private func pin(vcpus: [String: Int32], iothreads: [String: Int32], emulator: [Int32]) throws {
        let t = definition.tuning
        for (index, tid) in vcpus {
            let explicit = t.cputune?.vcpupins.first { String($0.id) == index }?.cpuset
            if let set = explicit ?? t.vcpuCPUSet { try Self.setAffinity(tid, set, what: "vCPU \(index)") }
        }
        for pin in t.cputune?.iothreadpins ?? [] {
            guard let tid = iothreads["iothread\(pin.id)"] else {
                throw QEMUCommandLineError.invalid("<cputune><iothreadpin iothread='\(pin.id)'>: no such iothread")
            }
            try Self.setAffinity(tid, pin.cpuset, what: "iothread \(pin.id)")
        }
        if let set = t.cputune?.emulatorpin ?? t.vcpuCPUSet {
            for tid in emulator { try Self.setAffinity(tid, set, what: "emulator thread \(tid)") }
        }
    }

    static func setAffinity(_ tid: Int32, _ set: CPUSet, what: String) throws {
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_CONF)))
        if let bad = set.members.first(where: { $0 >= online }) {
            throw QEMUCommandLineError.invalid("cannot pin \(what) to host CPU \(bad): the host has \(online) CPUs")
        }
        var mask = [UInt8](repeating: 0, count: (set.members.last ?? 0) / 8 + 1)
        for cpu in set.members { mask[cpu / 8] |= UInt8(1 << (cpu % 8)) }
        guard sv_set_thread_affinity(tid, mask, mask.count) == 0 else {
            throw QEMUCommandLineError.invalid("cannot pin \(what): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: cgroups

    private func placeInCgroups(vcpus: [String: Int32], iothreads: [String: Int32], emulator: [Int32]) throws {
        let t = definition.tuning
        let cpu = "\(Self.cgroupRoot)/cpu/\(groupName)"
        guard FileManager.default.fileExists(atPath: "\(Self.cgroupRoot)/cpu/cpu.shares") else {
            throw QEMUCommandLineError.unsupported("<cputune>/<memtune> (no cgroup v1 cpu controller on this host)")
        }
        removeCgroups()
        try make(cpu)
        let c = t.cputune
        if let shares = c?.shares { try write(cpu, "cpu.shares", shares) }
        if let p = c?.globalPeriod { try write(cpu, "cpu.cfs_period_us", p) }
        if let q = c?.globalQuota { try write(cpu, "cpu.cfs_quota_us", q) }
        func child(_ name: String, _ threads: [Int32], period: UInt64?, quota: Int64?) throws {
            let dir = "\(cpu)/\(name)"
            try make(dir)
            if let period { try write(dir, "cpu.cfs_period_us", period) }
            if let quota { try write(dir, "cpu.cfs_quota_us", quota) }
            for tid in threads { try write(dir, "tasks", tid) }
        }
        try child("emulator", emulator, period: c?.emulatorPeriod, quota: c?.emulatorQuota)
        for (index, tid) in vcpus.sorted(by: { $0.key < $1.key }) {
            try child("vcpu\(index)", [tid], period: c?.period, quota: c?.quota)
        }
        for (id, tid) in iothreads.sorted(by: { $0.key < $1.key }) {
            try child(id, [tid], period: c?.iothreadPeriod, quota: c?.iothreadQuota)
        }
        if let m = t.memtune, m != DomainTuning.MemTune() {
            let memory = "\(Self.cgroupRoot)/memory/\(groupName)"
            try make(memory)
            if let v = m.hardLimitKiB { try write(memory, "memory.limit_in_bytes", v * 1024) }
            if let v = m.softLimitKiB { try write(memory, "memory.soft_limit_in_bytes", v * 1024) }
            if let v = m.swapHardLimitKiB {
                guard FileManager.default.fileExists(atPath: "\(memory)/memory.memsw.limit_in_bytes") else {
                    throw QEMUCommandLineError.unsupported("<memtune><swap_hard_limit> (no swap accounting on this host)")
                }
                try write(memory, "memory.memsw.limit_in_bytes", v * 1024)
            }
            try write(memory, "cgroup.procs", pid)
        }
    }

    private func make(_ dir: String) throws {
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw QEMUCommandLineError.invalid("cannot create cgroup \(dir): \(String(cString: strerror(errno)))")
        }
    }

    private func write(_ dir: String, _ file: String, _ value: some CustomStringConvertible) throws {
        let path = "\(dir)/\(file)"
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw QEMUCommandLineError.invalid("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let text = value.description
        let written = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        guard written == text.utf8.count else {
            throw QEMUCommandLineError.invalid("cannot set \(path) to \(text): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: threads

    /// Thread ids by vCPU index or iothread id, as QMP reports them.
    private func threadIDs(_ qmp: QMPClient, _ command: String, key: String, thread: String) async throws
        -> [String: Int32]
    {
        let reply = try await qmp.execute(command)
        var out: [String: Int32] = [:]
        for item in reply.arrayValue ?? [] {
            guard let tid = item[thread]?.intValue else { continue }
            let name = item[key]?.stringValue ?? item[key]?.intValue.map { String($0) }
            if let name { out[name] = Int32(tid) }
        }
        return out
    }

    /// Every thread of a process (/proc/PID/task).
    static func threads(of pid: Int32) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).compactMap { Int32($0) }
    }
}
