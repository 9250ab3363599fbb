import Foundation
import Testing

extension Integration {
    /// Device addresses and the controllers libvirt adds while addressing, side by side with a private libvirtd
    /// 9.0: the documents of `AddressingCorpus` are defined on both daemons and `virsh dumpxml --inactive` gives
    /// the same `<controller>` elements, in the same order, and the same `<address>` for every device.
    @Suite struct Addressing {
        /// The addressing part of a dumped definition: each `<controller>` element whole (its lines), and per
        /// device element name the `<address>` line of each such device, in document order.
        struct Layout: Equatable, CustomStringConvertible {
            var controllers: [[String]] = []
            var addresses: [String: [String]] = [:]

            init(_ xml: String) {
                let all = xml.split(separator: "\n").map(String.init)
                let lines = Array(all.drop { $0 != "  <devices>" }.prefix { $0 != "  </devices>" })
                var i = 0
                while i < lines.count {
                    let line = lines[i]
                    i += 1
                    // A device: an element four spaces in, directly under <devices>.
                    guard line.hasPrefix("    <"), !line.hasPrefix("     "), !line.hasPrefix("    </") else { continue }
                    let name = String(line.dropFirst(5).prefix { $0 != " " && $0 != ">" && $0 != "/" })
                    var block = [line]
                    if !line.hasSuffix("/>"), !line.hasSuffix("</\(name)>") {
                        while i < lines.count, lines[i] != "    </\(name)>" {
                            block.append(lines[i])
                            i += 1
                        }
                        i += 1
                    }
                    if name == "controller" {
                        controllers.append(block.map { $0.trimmingCharacters(in: .whitespaces) })
                    } else if let address = block.first(where: { $0.hasPrefix("      <address ") }) {
                        addresses[name, default: []].append(address.trimmingCharacters(in: .whitespaces))
                    }
                }
            }

            var addressCount: Int { addresses.values.map(\.count).reduce(0, +) }

            var description: String {
                (controllers.map { $0.joined(separator: " ") } + addresses.sorted { $0.key < $1.key }.flatMap { k, v in
                    v.map { "\(k): \($0)" }
                }).joined(separator: "\n")
            }
        }

        @Test func addressesAndControllersAsLibvirtd() async throws {
            try await DaemonHarness.with { daemon in
                try await LibvirtdHarness.with { lvd in
                    let ours = Virsh(daemon)
                    let theirs = Virsh(uri: lvd.uri, scratch: lvd.scratch)
                    let tag = UUID().uuidString.prefix(6).lowercased()
                    for (i, document) in AddressingCorpus.accepted.enumerated() {
                        let name = "a\(tag)\(i)"
                        let file = daemon.scratch.appendingPathComponent("\(name).xml")
                        try document.xml.replacingOccurrences(of: "NAME", with: name)
                            .write(to: file, atomically: true, encoding: .utf8)
                        var layouts: [Layout] = []
                        for side in [ours, theirs] {
                            let defined = try await side("define", file.path)
                            #expect(defined.succeeded, "\(document.name): \(defined)")
                            layouts.append(Layout(try await side("dumpxml", "--inactive", name).stdout))
                            _ = try await side("undefine", name)
                        }
                        // Every document gives controllers and addresses to compare, whatever else it holds.
                        #expect(layouts[1].controllers.count >= 3 && layouts[1].addressCount >= 3, "\(document.name)")
                        #expect(
                            layouts[0].controllers == layouts[1].controllers,
                            "\(document.name) controllers\nswiftvirtd:\n\(layouts[0])\nlibvirtd:\n\(layouts[1])")
                        #expect(
                            layouts[0].addresses == layouts[1].addresses,
                            "\(document.name) addresses\nswiftvirtd:\n\(layouts[0])\nlibvirtd:\n\(layouts[1])")
                    }
                    for (i, template) in AddressingCorpus.refused.enumerated() {
                        let name = "r\(tag)\(i)"
                        let file = daemon.scratch.appendingPathComponent("\(name).xml")
                        try template.replacingOccurrences(of: "NAME", with: name)
                            .write(to: file, atomically: true, encoding: .utf8)
                        let mine = try await ours("define", file.path)
                        let real = try await theirs("define", file.path)
                        _ = try await theirs("undefine", name)
                        _ = try await ours("undefine", name)
                        #expect(!mine.succeeded && !real.succeeded, "\(template)\n\(mine)\n\(real)")
                        // "error: XML error: Attempted double use ...": the same kind of error, and ours starts with
                        // libvirt's words (then says where: the element and line).
                        func message(_ r: CommandResult) -> (kind: String, text: String) {
                            let line = r.stderr.split(separator: "\n").first {
                                $0.hasPrefix("error: ") && !$0.contains("Failed to define")
                            }.map { String($0.dropFirst("error: ".count)) } ?? ""
                            guard let colon = line.range(of: ": ") else { return (line, "") }
                            return (String(line[..<colon.lowerBound]), String(line[colon.upperBound...]))
                        }
                        let (myKind, myText) = message(mine)
                        let (realKind, realText) = message(real)
                        #expect(myKind == realKind, "\(template)\nours: \(mine.stderr)\nlibvirtd: \(real.stderr)")
                        #expect(
                            !realText.isEmpty && myText.hasPrefix(realText),
                            "\(template)\nours: \(mine.stderr)\nlibvirtd: \(real.stderr)")
                    }
                }
            }
        }
    }
}
