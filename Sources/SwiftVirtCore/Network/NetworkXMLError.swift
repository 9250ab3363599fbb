/// Why a network definition was refused: libvirt's error code for the same refusal (VIR_ERR_XML_ERROR,
/// VIR_ERR_CONFIG_UNSUPPORTED, ...), the element (path below the root, e.g. "network/ip/dhcp/range"), the
/// attribute when one is at fault, the source line when the definition came from text, and what is wrong (in
/// libvirt's words where libvirt has words for it). Raised in the network error domain, as libvirt's network
/// driver raises it.
public struct NetworkXMLError: Error, Sendable, Equatable, LibvirtMappable, CustomStringConvertible {
    public var code: VirtErrorCode
    public var element: String
    public var attribute: String?
    public var line: Int?
    public var reason: String
    /// The error domain libvirt raises it in: the network driver's, or that of the helper that checks it (XML
    /// attribute parsing, address ranges, bandwidth and VLAN parsers).
    public var domain: VirtErrorDomain

    public init(
        _ code: VirtErrorCode, element: String, attribute: String? = nil, line: Int?, _ reason: String,
        domain: VirtErrorDomain = .network
    ) {
        self.code = code
        self.domain = domain
        self.element = element
        self.attribute = attribute
        self.line = line
        self.reason = reason
    }

    /// "attribute 'start' of <network/ip/dhcp/range> (line 7): ..." — the element first, then libvirt's words.
    public var detail: String {
        let what = attribute.map { "attribute '\($0)' of <\(element)>" } ?? "<\(element)>"
        return what + (line.map { " (line \($0))" } ?? "") + (reason.isEmpty ? "" : ": " + reason)
    }

    public var virtError: VirtError { VirtError(code, domain: domain, detail: detail) }

    /// The same error raised in another domain.
    func from(_ domain: VirtErrorDomain) -> NetworkXMLError {
        var e = self
        e.domain = domain
        return e
    }
    public var description: String { virtError.message }

    /// A definition without a usable `<name>`: VIR_ERR_NO_NAME ("missing name information in <network>").
    static func noName(line: Int?) -> NetworkXMLError {
        NetworkXMLError(.noName, element: "network", line: line, "")
    }
}
