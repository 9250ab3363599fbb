/// A domain definition refused by one of libvirt's semantic checks: libvirt's code, error domain and words, then
/// the element at fault and its line, e.g. `Secure boot requires SMM feature enabled (<os/loader>, line 4)`.
public struct DomainCheckError: Error, Sendable, Equatable, CustomStringConvertible, LibvirtMappable {
    public var code: VirtErrorCode
    public var domain: VirtErrorDomain
    /// libvirt's own message, without the element.
    public var text: String
    public var element: String?
    public var line: Int?

    public init(
        _ code: VirtErrorCode, _ text: String, element: String? = nil, line: Int? = nil,
        domain: VirtErrorDomain = .domain
    ) {
        self.code = code
        self.domain = domain
        self.text = text
        self.element = element
        self.line = line
    }

    public var virtError: VirtError {
        var detail = text
        if let element { detail += " (<\(element)>" + (line.map { ", line \($0)" } ?? "") + ")" }
        return VirtError(code, domain: domain, detail: detail)
    }

    public var description: String { virtError.message }
}
