import Foundation
import Testing

/// The release daemon is one static executable linking only FoundationEssentials (see Package.swift): a daemon
/// module that imports all of Foundation makes `swift build -c release` — the README's first command — fail to
/// link (ICU's symbols are missing), which the debug builds the tests use do not show.
@Suite struct DaemonImportsTests {
    static let daemonModules = [
        "SwiftVirtCore", "SwiftVirtWire", "SwiftVirtSystem", "SwiftVirtQEMU", "SwiftVirtTestDriver", "SwiftVirtDaemon",
        "swiftvirtd",
    ]

    @Test func daemonModulesImportOnlyFoundationEssentials() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        var offenders: [String] = []
        for module in Self.daemonModules {
            let dir = sources.appendingPathComponent(module)
            let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
            #expect(!files.isEmpty, "no sources in \(dir.path)")
            for file in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                let imports = text.split(separator: "\n").filter {
                    $0.hasPrefix("import Foundation") && !$0.hasPrefix("import FoundationEssentials")
                }
                if !imports.isEmpty { offenders.append("\(module)/\(file): \(imports.joined(separator: ", "))") }
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
