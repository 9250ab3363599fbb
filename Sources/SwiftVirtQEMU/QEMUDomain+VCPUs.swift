import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// vCPU hotplug as libvirt's QEMU driver does it: QEMU lists the vCPU slots it can fill
/// (query-hotpluggable-cpus, started with `-smp CURRENT,maxcpus=MAX`); a vCPU is plugged with device_add of the
/// slot's type and properties under the id `vcpuN` (N its index), and unplugged with device_del of that id,
/// done when QEMU reports DEVICE_DELETED (the guest has to let it go). vCPUs QEMU created at start have no id
/// and cannot be unplugged.
extension QEMUDomain: GuestVCPUHotplug {
    /// How long an unplug may take before libvirt gives up waiting (QEMU_UNPLUG_TIMEOUT).
    static let unplugTimeout: Duration = .seconds(5)

    struct VCPUSlot {
        var index: Int
        var type: String
        var count: Int
        var props: [String: JSONValue]
        var qomPath: String?
        /// The id a hot-plugged vCPU got, found at the end of its QOM path.
        var pluggedID: String? {
            guard let qomPath, qomPath.hasPrefix("/machine/peripheral/") else { return nil }
            return qomPath.split(separator: "/").last.map(String.init)
        }
    }

    public func setOnlineVCPUs(_ count: Int) async throws -> Int {
        try await job.run {
            try requireAlive()
            let slots = try await vcpuSlots()
            var online = slots.filter { $0.qomPath != nil }.reduce(0) { $0 + $1.count }
            let chosen = try Self.chooseSlots(slots, online: online, target: count)
            for slot in chosen {
                do {
                    if online < count {
                        var arguments = slot.props
                        arguments["driver"] = .string(slot.type)
                        arguments["id"] = .string("vcpu\(slot.index)")
                        _ = try await qmp.execute("device_add", arguments: arguments)
                        online += slot.count
                    } else {
                        guard let id = slot.pluggedID else { continue }
                        deletedDevices.remove(id)
                        _ = try await qmp.execute("device_del", arguments: ["id": .string(id)])
                        guard await waitForDeletion(of: id) else {
                            throw VirtError(
                                .operationTimeout, domain: .qemu,
                                detail: "vcpu unplug request timed out. Unplug result must be manually inspected in the domain")
                        }
                        online -= slot.count
                    }
                } catch {
                    throw VCPUHotplugPartial(reached: online, error: error)
                }
            }
            // A new vCPU thread is pinned and placed in the domain's cgroups as those QEMU started with.
            if chosen.contains(where: { $0.qomPath == nil }) {
                do {
                    try await QEMUThreadTuning(definition: definition, pid: process.pid, id: id).apply(qmp)
                } catch {
                    throw VCPUHotplugPartial(reached: online, error: error)
                }
            }
            return online
        }
    }

    /// libvirt's qemuDomainSelectHotplugVcpuEntities: the empty slots from the first, or the plugged ones from
    /// the last, that make the count exactly `target`.
    static func chooseSlots(_ slots: [VCPUSlot], online: Int, target: Int) throws -> [VCPUSlot] {
        var current = online
        var chosen: [VCPUSlot] = []
        let granularity = VirtError(
            .configUnsupported, domain: .qemu, detail: "target vm vcpu granularity does not allow the desired vcpu count")
        if target > current {
            for slot in slots where slot.qomPath == nil && current < target {
                current += slot.count
                if current > target { throw granularity }
                chosen.append(slot)
            }
        } else {
            for slot in slots.reversed() where slot.pluggedID != nil && current > target {
                current -= slot.count
                if current < target { throw granularity }
                chosen.append(slot)
            }
        }
        guard current == target else {
            throw VirtError(
                .configUnsupported, domain: .qemu,
                detail: "failed to find appropriate hotpluggable vcpus to reach the desired target vcpu count")
        }
        return chosen
    }

    /// QEMU's vCPU slots in index order (by socket, die, core, thread).
    private func vcpuSlots() async throws -> [VCPUSlot] {
        let reply = try await qmp.execute("query-hotpluggable-cpus")
        let keys = ["node-id", "drawer-id", "book-id", "socket-id", "die-id", "core-id", "thread-id"]
        let entries = (reply.arrayValue ?? []).compactMap { entry -> VCPUSlot? in
            guard let type = entry["type"]?.stringValue else { return nil }
            return VCPUSlot(
                index: 0, type: type, count: Int(entry["vcpus-count"]?.intValue ?? 1),
                props: entry["props"]?.objectValue ?? [:], qomPath: entry["qom-path"]?.stringValue)
        }
        let sorted = entries.sorted { a, b in
            let ka = keys.map { key in a.props[key]?.intValue ?? 0 }
            let kb = keys.map { key in b.props[key]?.intValue ?? 0 }
            return ka.lexicographicallyPrecedes(kb)
        }
        var index = 0
        return sorted.map { slot in
            var slot = slot
            slot.index = index
            index += slot.count
            return slot
        }
    }

    func deviceDeleted(_ id: String) {
        if let waiter = deletionWaiters.removeValue(forKey: id) {
            waiter.resume()
        } else {
            deletedDevices.insert(id)
        }
    }

    /// True when QEMU reported `id` deleted within `unplugTimeout`.
    private func waitForDeletion(of id: String) async -> Bool {
        if deletedDevices.remove(id) != nil { return true }
        let timeout = Task { [weak self] in
            try? await Task.sleep(for: Self.unplugTimeout)
            await self?.giveUpWaiting(for: id)
        }
        await withCheckedContinuation { deletionWaiters[id] = $0 }
        timeout.cancel()
        return deletedDevices.remove(id) != nil
    }

    private func giveUpWaiting(for id: String) {
        deletionWaiters.removeValue(forKey: id)?.resume()
    }
}

extension QEMUDomain {
    public func vcpuRuntime() async throws -> [VCPURuntime] {
        let reply = try await job.run {
            try requireAlive()
            return try await qmp.execute("query-cpus-fast")
        }
        let ticks = UInt64(max(1, sysconf(Int32(_SC_CLK_TCK))))
        let vcpus = (reply.arrayValue ?? []).compactMap { item -> VCPURuntime? in
            guard let index = item["cpu-index"]?.intValue, let tid = item["thread-id"]?.intValue else { return nil }
            let task = "/proc/\(process.pid)/task/\(tid)"
            // Fields after "(comm)": utime and stime are fields 14 and 15, the last CPU field 39.
            let stat = (try? String(contentsOfFile: task + "/stat", encoding: .utf8)) ?? ""
            let fields = stat.lastIndex(of: ")").map { stat[stat.index(after: $0)...].split(separator: " ") } ?? []
            let time = fields.count > 36 ? ((UInt64(fields[11]) ?? 0) + (UInt64(fields[12]) ?? 0)) : 0
            let status = (try? String(contentsOfFile: task + "/status", encoding: .utf8)) ?? ""
            let allowed = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
                .flatMap { CPUSet(parsing: String($0.dropFirst("Cpus_allowed_list:".count))) }
            return VCPURuntime(
                index: Int(index), cpuTimeNanoseconds: time * (1_000_000_000 / ticks),
                hostCPU: fields.count > 36 ? Int32(fields[36]) ?? 0 : 0, affinity: allowed)
        }
        return vcpus.sorted { $0.index < $1.index }
    }
}
