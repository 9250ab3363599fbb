import Foundation
import SwiftVirtClient
import Testing

extension Integration {
    /// `qemu+tls://` against a real libvirtd 9.0 listening with TLS on certificates made by the test; the
    /// library, the CLI and Debian's virsh all use the same URI (`?pkipath=`), and must agree.
    @Suite struct TLSTransport {
        @Test func tlsOnLibvirtdMatchesVirsh() async throws {
            try await LibvirtdHarness.with(tls: true) { harness in
                guard let pki = harness.pki, let port = harness.tlsPort else { throw HarnessError("no TLS listener") }
                let uri = "qemu+tls://127.0.0.1:\(port)/system?pkipath=\(pki.clientDir)"
                let virsh = Virsh(uri: uri, scratch: harness.scratch)
                func cli(_ arguments: String...) async throws -> CommandResult {
                    try await run(TestEnvironment.cliBinary(), ["-c", uri] + arguments, scratch: harness.scratch)
                }

                // The library: a full session over TLS.
                let conn = try await VirtConnection.connect(to: LibvirtURI(uri))
                let hostname = try await conn.hostname()
                await conn.close()
                #expect(trimmedText(try await virsh.must("hostname")) == hostname)

                // The CLI: define over TLS, then list/dominfo/version agree with virsh over TLS.
                let name = "tls-\(UUID().uuidString.prefix(6).lowercased())"
                harness.guestNames.insert(name)
                let xmlPath = harness.scratch.appendingPathComponent("\(name).xml").path
                try TestEnvironment.guestXML(
                    name: name, serialLog: harness.scratch.appendingPathComponent("\(name).log").path
                ).write(toFile: xmlPath, atomically: true, encoding: .utf8)
                let defined = try await cli("define", xmlPath)
                #expect(defined.succeeded && defined.stdout.contains("Domain '\(name)' defined"), "\(defined)")
                let rows = tableRows(try await cli("list", "--all").stdout)
                #expect(rows.contains(["-", name, "shut", "off"]), "\(rows)")
                #expect(Set(rows) == Set(tableRows(try await virsh.must("list", "--all"))))
                #expect(
                    trimmedText(try await cli("domuuid", name).stdout)
                        == trimmedText(try await virsh.must("domuuid", name)))
                let version = try await cli("version", "--daemon")
                #expect(version.succeeded, "\(version)")
                let virshVersion = try await virsh.must("version", "--daemon")
                for line in version.stdout.split(separator: "\n") {
                    #expect(virshVersion.contains(line), "version line '\(line)'")
                }
                #expect(try await cli("undefine", name).succeeded)
                #expect(!(try await virsh.must("list", "--all")).contains(name))
            }
        }

        /// Wrong CA, a name mismatch, no_verify=1 and missing files, each compared with virsh on the same URI.
        @Test func tlsFailuresAreClearOnLibvirtd() async throws {
            try await LibvirtdHarness.with(tls: true) { harness in
                guard let pki = harness.pki, let port = harness.tlsPort else { throw HarnessError("no TLS listener") }
                func both(_ uri: String) async throws -> (ours: CommandResult, virsh: CommandResult) {
                    let ours = try await run(
                        TestEnvironment.cliBinary(), ["-c", uri, "hostname"], scratch: harness.scratch)
                    let theirs = try await run(
                        TestEnvironment.virsh, ["-c", uri, "hostname"], scratch: harness.scratch)
                    return (ours, theirs)
                }
                // A server certificate from a CA the client does not trust: the handshake fails, and says so.
                let wrongCA = try await both("qemu+tls://127.0.0.1:\(port)/system?pkipath=\(pki.otherCADir)")
                #expect(!wrongCA.ours.succeeded && !wrongCA.virsh.succeeded, "\(wrongCA)")
                #expect(
                    wrongCA.ours.stderr.hasPrefix(
                        "error: failed to connect to the hypervisor at 'qemu+tls://127.0.0.1:")
                        && wrongCA.ours.stderr.contains("': TLS handshake failed: CERTIFICATE_VERIFY_FAILED\nhint: "),
                    "\(wrongCA.ours)")
                #expect(wrongCA.ours.stderr.split(separator: "\n").count <= 2, "one line plus a hint: \(wrongCA.ours)")

                // The certificate names 127.0.0.1 and tls-server.invalid: `localhost` reaches the same socket but
                // is not a name the certificate carries, so both clients refuse it...
                let byName = "qemu+tls://localhost:\(port)/system?pkipath=\(pki.clientDir)"
                let mismatch = try await both(byName)
                #expect(!mismatch.ours.succeeded && !mismatch.virsh.succeeded, "\(mismatch)")
                #expect(
                    mismatch.ours.stderr.contains("Certificate's owner does not match the hostname (localhost)"),
                    "\(mismatch.ours)")
                // ...and no_verify=1 skips checking the server, as libvirt defines it.
                let unverified = try await both(byName + "&no_verify=1")
                #expect(unverified.ours.succeeded && unverified.virsh.succeeded, "\(unverified)")
                #expect(trimmedText(unverified.ours.stdout) == trimmedText(unverified.virsh.stdout))

                // The server refuses a client certificate from another CA; the library reports it (virsh already
                // refuses such a certificate itself, before connecting).
                do {
                    _ = try await VirtConnection.connect(
                        to: LibvirtURI("qemu+tls://127.0.0.1:\(port)/system?pkipath=\(pki.untrustedClientDir)"),
                        keepalive: nil)
                    Issue.record("libvirtd accepted a client certificate from an unknown CA")
                } catch {
                    #expect("\(error)".hasSuffix(": server verification (of our certificate or IP address) failed"))
                }

                // A pkipath without the files names the first one missing.
                let empty = harness.scratch.appendingPathComponent("empty-pki").path
                try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
                let missing = try await both("qemu+tls://localhost:\(port)/system?pkipath=\(empty)")
                #expect(!missing.ours.succeeded && !missing.virsh.succeeded)
                #expect(
                    missing.ours.stderr.contains("Cannot read CA certificate '\(empty)/cacert.pem'"), "\(missing.ours)")
            }
        }
    }
}
