import Foundation
import Testing

extension Integration {
    /// Tests/IntegrationTests/DomainCorpus: documents covering libvirt 9.0's domain element families, defined on
    /// swiftvirtd and on a private libvirtd 9.0. What each reads back must be the same element by element (the
    /// README's "Domain XML: differences from libvirt" names the few that are deliberate), and the documents in
    /// `refused/` are refused by both, ours with libvirt's words first.
    @Suite struct DomainXMLCorpus {
        static let directory = TestEnvironment.packageRoot.appendingPathComponent("Tests/IntegrationTests/DomainCorpus")

        static func documents(_ sub: String = "") throws -> [URL] {
            let dir = sub.isEmpty ? directory : directory.appendingPathComponent(sub)
            return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "xml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        }

        static func name(in xml: String) -> String? {
            guard let start = xml.range(of: "<name>"), let end = xml.range(of: "</name>", range: start.upperBound..<xml.endIndex)
            else { return nil }
            return String(xml[start.upperBound..<end.lowerBound])
        }

        /// The element lines of a document, a made-up Open vSwitch port id replaced (each daemon invents its own).
        static func comparable(_ xml: String) -> [String] {
            xml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map {
                $0.hasPrefix("<parameters interfaceid='") ? "<parameters interfaceid='(generated)'/>" : $0
            }
        }

        @Test func acceptedDocumentsReadBackAsLibvirtd() async throws {
            let files = try Self.documents()
            #expect(files.count >= 15)
            try await DaemonHarness.with { daemon in
                try await LibvirtdHarness.with { lvd in
                    let ours = Virsh(daemon)
                    let theirs = Virsh(uri: lvd.uri, scratch: lvd.scratch)
                    for file in files {
                        let xml = try String(contentsOf: file, encoding: .utf8)
                        let name = try #require(Self.name(in: xml))
                        var dumps: [String] = []
                        for side in [ours, theirs] {
                            let defined = try await side("define", file.path)
                            #expect(defined.succeeded, "\(file.lastPathComponent): \(defined)")
                            dumps.append(try await side("dumpxml", "--inactive", name).stdout)
                        }
                        let (mine, real) = (Self.comparable(dumps[0]), Self.comparable(dumps[1]))
                        let diff = real.difference(from: mine).map { change -> String in
                            switch change {
                            case .insert(let i, let line, _): "libvirtd \(i): \(line)"
                            case .remove(let i, let line, _): "swiftvirtd \(i): \(line)"
                            }
                        }
                        #expect(diff.isEmpty, "\(file.lastPathComponent) differs:\n\(diff.joined(separator: "\n"))")
                        // What we wrote is valid libvirt XML, and defining it again changes nothing.
                        let again = daemon.scratch.appendingPathComponent("again-\(file.lastPathComponent)")
                        try dumps[0].write(to: again, atomically: true, encoding: .utf8)
                        let valid = try await run("/usr/bin/virt-xml-validate", [again.path, "domain"], scratch: daemon.scratch)
                        #expect(valid.succeeded, "\(file.lastPathComponent): \(valid)")
                        #expect(try await ours("define", again.path).succeeded)
                        #expect(try await ours("dumpxml", "--inactive", name).stdout == dumps[0], "\(file.lastPathComponent)")
                        for side in [ours, theirs] { _ = try await side("undefine", "--nvram", name) }
                    }
                }
            }
        }

        @Test func refusedDocumentsAreRefusedAsLibvirtd() async throws {
            let files = try Self.documents("refused")
            #expect(files.count >= 7)
            try await DaemonHarness.with { daemon in
                try await LibvirtdHarness.with { lvd in
                    let ours = Virsh(daemon)
                    let theirs = Virsh(uri: lvd.uri, scratch: lvd.scratch)
                    for file in files {
                        let mine = try await ours("define", file.path)
                        let real = try await theirs("define", file.path)
                        #expect(!mine.succeeded && !real.succeeded, "\(file.lastPathComponent)\n\(mine)\n\(real)")
                        func reason(_ r: CommandResult) -> String {
                            String(
                                r.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") && !$0.contains("Failed to define") }
                                    ?? "")
                        }
                        let expected = reason(real).trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                        #expect(
                            reason(mine).hasPrefix(expected),
                            "\(file.lastPathComponent)\nours: \(mine.stderr)\nlibvirtd: \(real.stderr)")
                    }
                }
            }
        }
    }
}
