import Foundation
import Testing

extension Integration {
    /// What virsh sees of the XML handling: completed definitions that validate and round-trip, errors that
    /// name the culprit, and the QEMU command line.
    @Suite struct DomainXML {
        @Test func dumpxmlValidatesAndRedefinesUnchanged() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)
                let first = try await virsh.must("dumpxml", guest.name)
                #expect(first.contains("<name>\(guest.name)</name>"))
                #expect(first.contains("<uuid>"), "define must generate a uuid")

                let dumped = daemon.scratch.appendingPathComponent("dumped.xml").path
                try first.write(toFile: dumped, atomically: true, encoding: .utf8)
                let validation = try await run(
                    "/usr/bin/virt-xml-validate", [dumped, "domain"], scratch: daemon.scratch)
                #expect(validation.succeeded, "\(validation)")

                try await virsh.must("define", dumped)
                let second = try await virsh.must("dumpxml", guest.name)
                #expect(second == first, "redefining dumpxml output changed it")
                #expect(try await virsh.must("dumpxml", "--inactive", guest.name) == first)
                #expect(try await virsh.must("list", "--all").components(separatedBy: guest.name).count == 2)
            }
        }

        @Test(arguments: [
            ("unclosed", "<domain type='qemu'><name>broken</name><memory>1024</memory>", "domain"),
            ("no-memory", "<domain type='qemu'><name>nomem</name><os><type>hvm</type></os></domain>", "memory"),
            (
                "bad-unit",
                "<domain type='qemu'><name>badunit</name><memory unit='parsecs'>1</memory><os><type>hvm</type></os></domain>",
                "parsecs"
            ),
            (
                "duplicate-target",
                """
                <domain type='qemu'><name>dup</name><memory>65536</memory><os><type>hvm</type></os><devices>
                <disk type='file' device='disk'><source file='/nonexistent/a.img'/><target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='disk'><source file='/nonexistent/b.img'/><target dev='vda' bus='virtio'/></disk>
                </devices></domain>
                """,
                "vda"
            ),
        ])
        func badXMLIsRefusedNamingTheCulprit(label: String, xml: String, culprit: String) async throws {
            try await DaemonHarness.with { daemon in
                let file = daemon.scratch.appendingPathComponent("\(label).xml").path
                try xml.write(toFile: file, atomically: true, encoding: .utf8)
                let result = try await Virsh(daemon)("define", file)
                #expect(!result.succeeded, "\(result)")
                #expect(result.stderr.contains("error:"), "\(result)")
                #expect(
                    result.stderr.contains(culprit), "\(label): message does not name '\(culprit)': \(result.stderr)")
                let name = xml.components(separatedBy: "<name>").dropFirst().first?.components(separatedBy: "<").first
                #expect(!(try await Virsh(daemon).must("list", "--all").contains(name ?? "?")))
            }
        }

        @Test func domxmlToNativeGivesTheQEMUCommandLine() async throws {
            try await DaemonHarness.with { daemon in
                // Files named in the XML need not exist: conversion must not touch them.
                let xml = try TestEnvironment.guestXML(name: "native", serialLog: "/nonexistent/dir/serial.log")
                    .replacingOccurrences(of: try TestEnvironment.guestImage().kernel, with: "/nonexistent/vmlinuz")
                let file = daemon.scratch.appendingPathComponent("native.xml").path
                try xml.write(toFile: file, atomically: true, encoding: .utf8)
                let out = try await Virsh(daemon).must("domxml-to-native", "qemu-argv", file)
                // libvirt may put environment assignments (LC_ALL=C ...) before the emulator.
                let words = out.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" })
                let command = words.drop(while: { $0.contains("=") && !$0.hasPrefix("-") })
                #expect(command.first == "/usr/bin/qemu-system-x86_64", "\(out)")
                #expect(words.contains("-nodefaults"), "\(out)")
                #expect(out.contains("/nonexistent/vmlinuz"), "\(out)")
                #expect(!FileManager.default.fileExists(atPath: "/nonexistent"))
                #expect(try await Virsh(daemon).must("list", "--all").contains("native") == false)
            }
        }
    }
}
