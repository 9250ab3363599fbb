import Foundation
import SwiftVirtCore
import Testing

enum Fixture {
    static func text(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "xml", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func parsed(_ name: String) throws -> DomainDefinition {
        try DomainXML.parse(text(name))
    }

    /// The definition as `define` stores it.
    static func completed(_ name: String) throws -> DomainDefinition {
        var d = try parsed(name)
        try d.applyDefaults()
        try d.validate()
        return d
    }
}

/// Runs Debian's `virt-xml-validate` on `xml`; returns its combined output and exit status.
func virtXMLValidate(_ xml: String) throws -> (status: Int32, output: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-core-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("domain.xml")
    try xml.write(to: file, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/virt-xml-validate")
    p.arguments = [file.path, "domain"]
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
