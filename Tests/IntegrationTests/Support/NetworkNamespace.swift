import Foundation

/// A network namespace of its own for one test: the daemon under test runs inside it, so its bridges, taps,
/// dnsmasq and nftables tables never touch the host's namespace. Deleting the namespace removes every interface
/// and table in it; processes still inside are killed first.
final class NetworkNamespace {
    let name: String
    let scratch: URL

    init(scratch: URL) async throws {
        name = "svt-\(UUID().uuidString.prefix(8).lowercased())"
        self.scratch = scratch
        try await must("/usr/sbin/ip", "netns", "add", name)
        try await must("/usr/sbin/ip", "-n", name, "link", "set", "lo", "up")
        // A new namespace copies IPv4 settings from the host's (net.core.devconf_inherit_init_net=0), so a host
        // with forwarding on would leak it in: start every test from the kernel default, forwarding off.
        try await must("/usr/sbin/ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0")
    }

    /// Runs `body` in a fresh namespace and always removes it afterwards.
    static func with<T>(_ body: (NetworkNamespace) async throws -> T) async throws -> T {
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("svt-netns-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let ns = try await NetworkNamespace(scratch: scratch)
        do {
            let result = try await body(ns)
            await ns.remove()
            return result
        } catch {
            await ns.remove()
            throw error
        }
    }

    @discardableResult
    func must(_ executable: String, _ arguments: String...) async throws -> String {
        let r = try await run(executable, arguments, scratch: scratch, timeout: .seconds(30))
        guard r.succeeded else { throw HarnessError("command failed: \(r)") }
        return r.stdout
    }

    /// A command inside the namespace (`ip netns exec`).
    func exec(_ arguments: String...) async throws -> CommandResult {
        try await run("/usr/sbin/ip", ["netns", "exec", name] + arguments, scratch: scratch, timeout: .seconds(30))
    }

    func interfaceExists(_ interface: String) async throws -> Bool {
        try await run("/usr/sbin/ip", ["-n", name, "link", "show", interface], scratch: scratch).succeeded
    }

    func nftTables() async throws -> String { try await exec("nft", "list", "tables").stdout }

    /// Pids of processes whose network namespace is this one.
    func pids() async throws -> [Int32] {
        let out = try await run("/usr/sbin/ip", ["netns", "pids", name], scratch: scratch).stdout
        return out.split(whereSeparator: \.isNewline).compactMap { Int32($0) }
    }

    func remove() async {
        for pid in (try? await pids()) ?? [] { kill(pid, SIGKILL) }
        _ = try? await run("/usr/sbin/ip", ["netns", "del", name], scratch: scratch)
        try? FileManager.default.removeItem(at: scratch)
    }
}
