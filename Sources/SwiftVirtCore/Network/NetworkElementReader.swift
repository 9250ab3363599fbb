/// Reads one element of a `<network>` document and remembers what it read, so that `finish()` can refuse what
/// nobody read: the network schema is closed (only `<metadata>` holds foreign content, kept as it is), so an
/// element or attribute nobody reads is outside libvirt's schema. Errors carry libvirt's codes
/// (`NetworkXMLError`); the domain reader (`ElementReader`) throws the domain's error type, hence this twin.
struct NetworkElementReader {
    let element: XMLElement
    /// Path from the root, e.g. "network/ip/dhcp"; used in every error.
    let path: String
    /// The network's name, for libvirt's messages that name it (set once `<name>` is read).
    var network: String
    private var usedAttributes: Set<String> = []
    private var usedChildren: Set<Int> = []
    private var usedText = false
    private let elements: [XMLElement]

    init(_ element: XMLElement, path: String, network: String) {
        self.element = element
        self.path = path
        self.network = network
        elements = element.childElements
    }

    var line: Int { element.position.line }

    func error(_ code: VirtErrorCode, attribute: String? = nil, _ reason: String, domain: VirtErrorDomain = .network)
        -> NetworkXMLError
    {
        let at = attribute.flatMap { element.attribute($0)?.position.line } ?? line
        return NetworkXMLError(code, element: path, attribute: attribute, line: at, reason, domain: domain)
    }

    // MARK: attributes

    mutating func attribute(_ name: String) -> XMLAttribute? {
        usedAttributes.insert(name)
        return element.attribute(name)
    }

    mutating func string(_ name: String) -> String? { attribute(name)?.value }

    /// A required attribute; `reason` is libvirt's words for its absence (VIR_ERR_XML_ERROR unless `code`).
    mutating func required(_ name: String, code: VirtErrorCode = .xmlError, _ reason: String? = nil)
        throws(NetworkXMLError) -> String
    {
        guard let v = string(name) else {
            guard let reason else {
                throw error(
                    code, attribute: name, "Missing required attribute '\(name)' in element '\(element.name)'",
                    domain: .xml)
            }
            throw error(code, attribute: name, reason)
        }
        return v
    }

    /// A `yes`/`no` attribute (libvirt's virXMLPropTristateBool).
    mutating func yesNo(_ name: String) throws(NetworkXMLError) -> Bool? {
        guard let v = string(name) else { return nil }
        switch v {
        case "yes": return true
        case "no": return false
        default: throw invalidValue(name, v)
        }
    }

    /// libvirt's "Invalid value for attribute" (virXMLPropEnum and friends).
    func invalidValue(_ name: String, _ value: String, _ expected: String = "") -> NetworkXMLError {
        error(
            .xmlError, attribute: name,
            "Invalid value for attribute '\(name)' in element '\(element.name)': '\(value)'." + expected, domain: .xml)
    }

    /// An unsigned decimal attribute up to `max` (libvirt's virXMLPropUInt and its checks).
    mutating func unsigned(_ name: String, max: UInt64 = UInt64(UInt32.max), nonZero: Bool = false)
        throws(NetworkXMLError) -> UInt64?
    {
        guard let v = string(name) else { return nil }
        guard let n = UInt64(v), n <= max else {
            throw invalidValue(name, v, v.hasPrefix("-") ? " Expected non-negative value" : " Expected integer value")
        }
        if nonZero && n == 0 {
            throw error(
                .xmlError, attribute: name,
                "Invalid value for attribute '\(name)' in element '\(element.name)': Zero is not permitted",
                domain: .xml)
        }
        return n
    }

    /// An IP address attribute; `invalid` words the error for a value that is not one.
    mutating func address(_ name: String, code: VirtErrorCode = .xmlError, invalid: (String) -> String)
        throws(NetworkXMLError) -> IPAddress?
    {
        guard let v = string(name) else { return nil }
        guard let a = IPAddress(v) else { throw error(code, attribute: name, invalid(v)) }
        return a
    }

    // MARK: content

    mutating func text() -> String {
        usedText = true
        return element.text
    }

    /// Every child element named `name`, each read by `body` and then checked for leftovers.
    mutating func children<T>(_ name: String, _ body: (inout NetworkElementReader) throws(NetworkXMLError) -> T)
        throws(NetworkXMLError) -> [T]
    {
        var out: [T] = []
        for (i, e) in elements.enumerated() where e.name == name {
            usedChildren.insert(i)
            var r = NetworkElementReader(e, path: path + "/" + name, network: network)
            out.append(try body(&r))
            try r.finish()
        }
        return out
    }

    /// The child named `name`, if any; the schema allows it once, so a second one is refused.
    mutating func child<T>(_ name: String, _ body: (inout NetworkElementReader) throws(NetworkXMLError) -> T)
        throws(NetworkXMLError) -> T?
    {
        guard let first = elements.firstIndex(where: { $0.name == name }) else { return nil }
        if let second = elements[(first + 1)...].first(where: { $0.name == name }) {
            throw NetworkXMLError(
                .xmlInvalidSchema, element: path + "/" + name, line: second.position.line,
                "the network schema allows this element once only")
        }
        usedChildren.insert(first)
        var r = NetworkElementReader(elements[first], path: path + "/" + name, network: network)
        let value = try body(&r)
        try r.finish()
        return value
    }

    /// How many children named `name` there are (some of libvirt's checks count them).
    func count(_ name: String) -> Int { elements.count { $0.name == name } }

    /// The child `name` kept whole (foreign content, e.g. `<metadata>`); it counts as read.
    mutating func kept(_ name: String) throws(NetworkXMLError) -> KeptXML? {
        try child(name) { r throws(NetworkXMLError) in r.readAll() }
    }

    /// Marks everything inside as read and returns it as a kept subtree.
    mutating func readAll() -> KeptXML {
        usedText = true
        usedAttributes = Set(element.attributes.map(\.name))
        usedChildren = Set(elements.indices)
        return KeptXML(element)
    }

    /// Refuses attributes, child elements and text that nobody read: they are outside libvirt's network schema
    /// (libvirt itself would drop them unless asked to validate; SwiftVirt loses nothing, so it refuses them).
    func finish() throws(NetworkXMLError) {
        for a in element.attributes where !usedAttributes.contains(a.name) && !a.name.hasPrefix("xmlns") {
            throw NetworkXMLError(
                .xmlInvalidSchema, element: path, attribute: a.name, line: a.position.line,
                "attribute not allowed here by libvirt's network schema")
        }
        for (i, e) in elements.enumerated() where !usedChildren.contains(i) {
            throw NetworkXMLError(
                .xmlInvalidSchema, element: path + "/" + e.name, line: e.position.line,
                "element not allowed here by libvirt's network schema")
        }
        if !usedText, element.text.contains(where: { !$0.isWhitespace }) {
            throw NetworkXMLError(
                .xmlInvalidSchema, element: path, line: line, "text not allowed here by libvirt's network schema")
        }
    }
}
