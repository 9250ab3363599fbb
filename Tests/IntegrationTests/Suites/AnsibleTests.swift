import Foundation
import Testing

extension Integration {
    /// Ansible's `community.libvirt` collection (Debian's ansible 7) drives two swiftvirtd hosts, each a daemon
    /// with its own state in a network namespace of its own, through their URIs: a playbook brings both to a
    /// network, a pool and a guest from a template, running, and checks the facts the modules gather; a second
    /// run changes nothing. A teardown playbook stops and removes it all; its second run changes nothing either.
    @Suite struct Ansible {
        static let playbooks = TestEnvironment.packageRoot.appendingPathComponent("Tests/IntegrationTests/ansible")

        /// `changed=N` and `failed=N` of each host in ansible-playbook's recap.
        static func recap(_ output: String) -> [String: (changed: Int, failed: Int)] {
            var hosts: [String: (changed: Int, failed: Int)] = [:]
            for line in output.split(separator: "\n") where line.contains(" changed=") {
                let host = String(line.split(separator: " ").first ?? "")
                func count(_ key: String) -> Int {
                    guard let r = line.range(of: " \(key)=") else { return -1 }
                    return Int(line[r.upperBound...].prefix(while: \.isNumber)) ?? -1
                }
                hosts[host] = (count("changed"), count("failed"))
            }
            return hosts
        }

        static func play(_ name: String, inventory: String, scratch: URL) async throws -> [String: (changed: Int, failed: Int)] {
            let r = try await run(
                "/usr/bin/env",
                [
                    "LC_ALL=C.UTF-8", "ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3", "ANSIBLE_NOCOLOR=1", "ANSIBLE_RETRY_FILES_ENABLED=0",
                    "ANSIBLE_LOCAL_TEMP=\(scratch.path)/ansible-tmp", "ANSIBLE_HOME=\(scratch.path)/ansible-home",
                    "ansible-playbook", "-i", inventory, playbooks.appendingPathComponent(name).path,
                ], scratch: scratch, timeout: .seconds(240))
            let recap = recap(r.stdout)
            guard r.succeeded, recap.count == 2 else { throw HarnessError("ansible-playbook \(name): \(r)\n\(r.stdout.suffix(3000))\n\(r.stderr.suffix(1000))") }
            return recap
        }

        @Test func playbookManagesTwoHostsIdempotently() async throws {
            try await NetworkNamespace.with { nsA in
                try await NetworkNamespace.with { nsB in
                    try await DaemonHarness.with(arguments: ["--no-default-network"], netns: nsA.name) { a in
                        try await DaemonHarness.with(arguments: ["--no-default-network"], netns: nsB.name) { b in
                            try await Self.manage(a, b)
                        }
                    }
                }
            }
        }

        static func manage(_ a: DaemonHarness, _ b: DaemonHarness) async throws {
            var inventory = "[swiftvirtd]\n"
            for (i, daemon) in [a, b].enumerated() {
                let poolDir = daemon.scratch.appendingPathComponent("ans-pool").path
                try FileManager.default.createDirectory(atPath: poolDir, withIntermediateDirectories: true)
                inventory += "host\(i) ansible_connection=local uri='\(daemon.uri)' guest=ansguest\(i) net=ansnet"
                inventory += " bridge=ansbr\(i) address=192.168.15\(i).1 pool=anspool pool_dir=\(poolDir)\n"
            }
            let file = a.scratch.appendingPathComponent("inventory.ini")
            try inventory.write(to: file, atomically: true, encoding: .utf8)

            let first = try await play("site.yml", inventory: file.path, scratch: a.scratch)
            for (host, r) in first { #expect(r.failed == 0 && r.changed >= 6, "\(host): \(r)") }
            for (i, daemon) in [a, b].enumerated() {
                let virsh = Virsh(daemon)
                #expect(try await virsh.state("ansguest\(i)") == "running")
                #expect(try await virsh.must("net-list", "--name").contains("ansnet"))
                #expect(try await virsh.must("pool-list", "--name").contains("anspool"))
                // Each host has only its own guest.
                #expect(!(try await virsh.must("list", "--all", "--name")).contains("ansguest\(1 - i)"))
            }
            let second = try await play("site.yml", inventory: file.path, scratch: a.scratch)
            for (host, r) in second { #expect(r.failed == 0 && r.changed == 0, "second run, \(host): \(r)") }

            let down = try await play("teardown.yml", inventory: file.path, scratch: a.scratch)
            for (host, r) in down { #expect(r.failed == 0 && r.changed >= 3, "teardown, \(host): \(r)") }
            for daemon in [a, b] {
                let virsh = Virsh(daemon)
                #expect(try await virsh.must("list", "--all", "--name").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
                #expect(!(try await virsh.must("net-list", "--all", "--name")).contains("ansnet"))
                #expect(!(try await virsh.must("pool-list", "--all", "--name")).contains("anspool"))
            }
            let again = try await play("teardown.yml", inventory: file.path, scratch: a.scratch)
            for (host, r) in again { #expect(r.failed == 0 && r.changed == 0, "second teardown, \(host): \(r)") }
        }
    }
}
