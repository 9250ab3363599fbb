import SwiftVirtCore
import SwiftVirtSystem

/// The `VALIDATE` flag of define and create: the document is checked against libvirt's own RelaxNG schema (as
/// installed with libvirt0, /usr/share/libvirt/schemas) by xmllint, as libvirtd checks it with libxml2.
/// Without the flag, what lies outside the schema is kept (see `XMLKeeper`), as libvirtd accepts it.
enum SchemaValidation {
    static let schemaDirectory = "/usr/share/libvirt/schemas"

    /// Throws VIR_ERR_XML_INVALID_SCHEMA with libvirt's wording and xmllint's reasons.
    static func validate(_ xml: String, schema: String) async throws {
        let rng = "\(schemaDirectory)/\(schema).rng"
        let result = try await BlockingIO.run {
            try ChildProcess.run("/usr/bin/xmllint", ["--noout", "--relaxng", rng, "-"], input: xml, mergeOutput: true)
        }
        guard result.status != 0 else { return }
        // xmllint names the document "-" and ends with "- fails to validate"; libvirt shows libxml2's reasons.
        let reasons = result.standardOutput.split(separator: "\n").map(String.init)
            .filter { !$0.hasSuffix("fails to validate") }
            .map { line -> String in
                let marker = "Relax-NG validity error : "
                let parts = line.split(separator: marker, maxSplits: 1, omittingEmptySubsequences: false)
                return parts.count == 2 ? String(parts[1]) : line
            }
        // Each of libxml2's reasons ends its line, the last one too; raised in the XML helpers' error domain.
        throw VirtError(
            .xmlInvalidSchema, domain: .xml,
            detail: "Unable to validate doc against \(rng)\n" + reasons.map { $0 + "\n" }.joined())
    }
}
