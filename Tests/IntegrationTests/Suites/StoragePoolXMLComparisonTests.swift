import Foundation
import Testing

extension Integration.Storage {
    /// The element lines of a document, with `<x>` directly followed by `</x>` folded into `<x/>`.
    func elementLines(_ xml: String) -> [String] {
        var out: [String] = []
        for line in xml.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            if let last = out.last, last.hasPrefix("<"), !last.hasPrefix("</"), !last.hasSuffix("/>"),
                line == "</" + last.dropFirst().prefix(while: { $0 != " " && $0 != ">" }) + ">"
            {
                out[out.count - 1] = String(last.dropLast()) + "/>"
            } else {
                out.append(line)
            }
        }
        return out
    }

    /// Each document of the corpus defined on swiftvirtd and on a private libvirtd 9.0: the pool-dumpxml
    /// output is the same element by element (README "Storage: differences from libvirt" names what is not),
    /// and what libvirtd refuses, swiftvirtd refuses with the same code and libvirt's words first.
    @Test func poolDocumentsAsLibvirtd() async throws {
        try await DaemonHarness.with { daemon in
            try await LibvirtdHarness.with { lvd in
                let ours = Virsh(daemon)
                let theirs = Virsh(uri: lvd.uri, scratch: lvd.scratch)
                let tag = UUID().uuidString.prefix(6).lowercased()
                for (i, template) in StorageXMLCorpus.accepted.enumerated() {
                    let name = "x\(tag)\(i)"
                    let xml = template.replacingOccurrences(of: "NAME", with: name)
                        .replacingOccurrences(of: "UUID", with: UUID().uuidString.lowercased())
                    let file = daemon.scratch.appendingPathComponent("\(name).xml")
                    try xml.write(to: file, atomically: true, encoding: .utf8)
                    var dumps: [String] = []
                    for side in [ours, theirs] {
                        let defined = try await side("pool-define", file.path)
                        #expect(defined.succeeded, "\(defined)")
                        dumps.append(try await side("pool-dumpxml", "--inactive", name).stdout)
                        _ = try await side("pool-undefine", name)
                    }
                    #expect(elementLines(dumps[0]) == elementLines(dumps[1]), "\(xml)\n\(dumps[0])\n\(dumps[1])")
                }
                for (i, template) in StorageXMLCorpus.refused.enumerated() {
                    let name = "r\(tag)\(i)"
                    let file = daemon.scratch.appendingPathComponent("\(name).xml")
                    try template.replacingOccurrences(of: "NAME", with: name)
                        .write(to: file, atomically: true, encoding: .utf8)
                    let mine = try await ours("pool-define", file.path)
                    let real = try await theirs("pool-define", file.path)
                    _ = try await theirs("pool-undefine", name)
                    #expect(!mine.succeeded && !real.succeeded, "\(template)\n\(mine)\n\(real)")
                    // "error: XML error: missing ..." — libvirt's line, less its last character, starts ours.
                    let realLine = real.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") && !$0.contains("Failed to define") }
                    let myLine = mine.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") && !$0.contains("Failed to define") }
                    let expected = String(realLine ?? "").trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                    #expect(String(myLine ?? "").hasPrefix(expected), "\(template)\nours: \(mine.stderr)\nlibvirtd: \(real.stderr)")
                }
            }
        }
    }
}
