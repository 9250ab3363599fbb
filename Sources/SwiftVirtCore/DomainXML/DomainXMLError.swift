/// Why a domain definition was refused. Every case says where: the element path (e.g. "devices/disk/target"),
/// the attribute when one is at fault, and the source line when the definition came from parsed text.
public enum DomainXMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not well-formed XML.
    case malformed(line: Int, column: Int, message: String)
    /// A required element or attribute is absent.
    case missing(element: String, attribute: String?, line: Int?)
    /// A value that libvirt's schema or semantics reject.
    case invalidValue(element: String, attribute: String?, value: String, line: Int?, reason: String)
    /// A consistency rule across the definition is broken (duplicates, conflicting boot order, ...).
    case inconsistent(element: String, line: Int?, reason: String)
    /// Valid libvirt XML that SwiftVirt cannot honour; never dropped silently.
    case unsupported(element: String, attribute: String?, line: Int?, detail: String?)
    /// A rule libvirt checks, refused with libvirt's code and words, then where (`element`, `line`).
    case refused(code: VirtErrorCode, message: String, element: String, line: Int?)

    public var description: String { virtError.message }
}

extension DomainXMLError: LibvirtMappable {
    public var virtError: VirtError {
        switch self {
        case .malformed(let line, let column, let message):
            // VIR_ERR_XML_DETAIL's form is the detail alone; libvirt's parser words it "at line N: ..." when the
            // text has no file name (SwiftVirt adds the column, which libvirt shows with a pointer line instead).
            return VirtError(.xmlDetail, detail: "at line \(line), column \(column): \(message)")
        case .missing(let element, let attribute, let line):
            let what = attribute.map { "attribute '\($0)' of <\(element)>" } ?? "element <\(element)>"
            return VirtError(.xmlError, detail: "missing \(what)\(Self.at(line))")
        case .invalidValue(let element, let attribute, let value, let line, let reason):
            let what = attribute.map { "attribute '\($0)' of <\(element)>" } ?? "<\(element)>"
            return VirtError(.xmlError, detail: "invalid value '\(value)' for \(what)\(Self.at(line)): \(reason)")
        case .inconsistent(let element, let line, let reason):
            return VirtError(.xmlError, detail: "<\(element)>\(Self.at(line)): \(reason)")
        case .unsupported(let element, let attribute, let line, let detail):
            let what = attribute.map { "attribute '\($0)' of <\(element)>" } ?? "<\(element)>"
            let why = detail.map { ": \($0)" } ?? " is not supported by SwiftVirt"
            return VirtError(.configUnsupported, detail: "\(what)\(Self.at(line))\(why)")
        case .refused(let code, let message, let element, let line):
            return VirtError(code, detail: "\(message) (<\(element)>\(line.map { ", line \($0)" } ?? ""))")
        }
    }

    private static func at(_ line: Int?) -> String { line.map { " (line \($0))" } ?? "" }
}
