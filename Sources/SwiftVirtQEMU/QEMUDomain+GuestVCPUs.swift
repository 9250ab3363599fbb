import SwiftVirtCore
import SwiftVirtSystem

/// The vCPUs as the guest sees them, through its agent: counted (vcpucount --guest), listed (guestvcpus), taken
/// online or offline inside the guest (setvcpus --guest, guestvcpus --enable/--disable) with guest-set-vcpus,
/// repeated for the rest when the agent did only part of it, as libvirt does.
extension QEMUDomain {
    private struct AgentVCPU {
        var id: Int, online: Bool, offlinable: Bool
        var modified = false
    }

    public func guestVCPUs() async throws -> [(id: Int, online: Bool, offlinable: Bool)] {
        try await agentVCPUs().map { ($0.id, $0.online, $0.offlinable) }
    }

    public func agentVCPUCount(maximum: Bool) async throws -> Int {
        let vcpus = try await agentVCPUs()
        return maximum ? vcpus.count : vcpus.filter(\.online).count
    }

    public func setGuestVCPUs(_ ids: [Int], online: Bool) async throws {
        var cpus = try await agentVCPUs()
        var missing = Set(ids)
        for i in cpus.indices where missing.contains(cpus[i].id) {
            if !online && !cpus[i].offlinable {
                throw VirtError(.operationUnsupported, domain: .qemu, detail: "vCPU '\(cpus[i].id)' is not offlinable")
            }
            cpus[i].online = online
            cpus[i].modified = true
            missing.remove(cpus[i].id)
        }
        guard missing.isEmpty else {
            throw VirtError(.invalidArg, domain: .qemu, detail: "guest is missing vCPUs '\(CPUSet(Array(missing)))'")
        }
        try await apply(&cpus)
    }

    /// Brings the guest's online vCPUs to `count`, never offlining vCPU 0 when it would be chosen only because
    /// every online vCPU may go.
    public func setAgentVCPUs(_ count: Int) async throws {
        try await agentAvailable()
        let enabled = try await vcpuRuntime().count
        guard count <= enabled else {
            throw VirtError(
                .invalidArg, domain: .qemu,
                detail:
                    "requested vcpu count is greater than the count of enabled vcpus in the domain: \(count) > \(enabled)"
            )
        }
        var cpus = try await agentVCPUs()
        var online = cpus.filter(\.online).count
        var offlinable = cpus.filter { $0.offlinable && $0.online }.count
        guard !cpus.contains(where: { !$0.online && !$0.offlinable }) else {
            throw GuestAgentReplies.malformed("Invalid data provided by guest agent")
        }
        if offlinable == online, let cpu0 = cpus.firstIndex(where: { $0.id == 0 }), cpus[cpu0].online {
            cpus[cpu0].offlinable = false
            offlinable -= 1
        }
        guard count <= cpus.count else {
            throw GuestAgentReplies.malformed("guest agent reports less cpu than requested")
        }
        guard count >= online - offlinable else {
            throw VirtError(.invalidArg, domain: .qemu, detail: "Cannot offline enough CPUs")
        }
        for i in cpus.indices where online != count {
            if count < online, cpus[i].offlinable && cpus[i].online {
                (cpus[i].online, cpus[i].modified) = (false, true)
                online -= 1
            } else if count > online, !cpus[i].online {
                (cpus[i].online, cpus[i].modified) = (true, true)
                online += 1
            }
        }
        try await apply(&cpus)
    }

    private func agentVCPUs() async throws -> [AgentVCPU] {
        guard let list = try await agentCall("guest-get-vcpus")["return"]?.arrayValue else {
            throw GuestAgentReplies.malformed("guest-get-vcpus reply was missing return data")
        }
        return try list.map { entry in
            func field<T>(_ key: String, _ value: (JSONValue) -> T?) throws -> T {
                guard let v = entry[key].flatMap(value) else {
                    throw GuestAgentReplies.malformed("'\(key)' missing in reply of guest-get-vcpus")
                }
                return v
            }
            return AgentVCPU(
                id: Int(try field("logical-id", \.intValue)), online: try field("online", \.boolValue),
                offlinable: try field("can-offline", \.boolValue))
        }
    }

    /// guest-set-vcpus with the modified vCPUs, again for those left when the agent reports fewer done.
    private func apply(_ cpus: inout [AgentVCPU]) async throws {
        while true {
            let modified = cpus.filter(\.modified)
            guard !modified.isEmpty else { return }
            let list = modified.map {
                JSONValue.object(["logical-id": .int(Int64($0.id)), "online": .bool($0.online)])
            }
            let reply = try await agentCall("guest-set-vcpus", ["vcpus": .array(list)])
            guard let done = reply["return"]?.intValue, done > 0, done <= modified.count else {
                throw GuestAgentReplies.malformed("guest agent returned malformed or invalid return value")
            }
            if done == modified.count { return }
            var left = Int(done)
            for i in cpus.indices where cpus[i].modified && left > 0 {
                cpus[i].modified = false
                left -= 1
            }
        }
    }
}
