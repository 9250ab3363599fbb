/// Reads one element of a domain document and remembers what it consumed, so that `finish()` can refuse
/// anything left over: nothing in the input is ever dropped without a word.
struct ElementReader {
    let element: XMLElement
    /// Path below `<domain>`, e.g. "devices/disk/driver"; used in every error.
    let path: String
    /// With a keeper, what the readers do not read is kept (see `XMLKeeper`) instead of refused; `keyedPath` names
    /// this element for it (`domain/devices/disk[vda]/driver`).
    var keeper: XMLKeeper?
    var keyedPath: String
    private var usedAttributes: Set<String> = []
    private var usedChildren: Set<Int> = []
    private var usedText = false
    private let elements: [XMLElement]
    /// The children's `XMLElementKey`s, made once per element (only with a keeper, the only user).
    private let keys: [String]

    init(_ element: XMLElement, path: String, keeper: XMLKeeper? = nil, keyedPath: String? = nil) {
        self.element = element
        self.path = path
        self.elements = element.childElements
        self.keys = keeper == nil ? [] : XMLElementKey.keys(of: elements)
        self.keeper = keeper
        self.keyedPath = keyedPath ?? element.name
    }

    /// The reader of child `index`, inheriting the keeper.
    private func childReader(_ index: Int, name: String) -> ElementReader {
        let keyed = keeper == nil ? "" : keyedPath + "/" + keys[index]
        return ElementReader(elements[index], path: path + "/" + name, keeper: keeper, keyedPath: keyed)
    }

    var line: Int { element.position.line }

    // MARK: attributes

    mutating func attribute(_ name: String) -> XMLAttribute? {
        usedAttributes.insert(name)
        return element.attribute(name)
    }

    mutating func string(_ name: String) -> String? { attribute(name)?.value }

    mutating func requiredString(_ name: String) throws(DomainXMLError) -> String {
        guard let v = string(name) else { throw .missing(element: path, attribute: name, line: line) }
        return v
    }

    func invalid(_ attr: XMLAttribute, _ reason: String) -> DomainXMLError {
        .invalidValue(element: path, attribute: attr.name, value: attr.value, line: attr.position.line, reason: reason)
    }

    /// An enumerated attribute. `unsupported` lists values libvirt accepts but SwiftVirt does not implement.
    mutating func enumeration<T: RawRepresentable & CaseIterable>(
        _ name: String, as: T.Type = T.self, unsupported: [String] = []
    ) throws(DomainXMLError) -> T? where T.RawValue == String {
        guard let a = attribute(name) else { return nil }
        if let v = T(rawValue: a.value) { return v }
        if unsupported.contains(a.value) {
            throw .unsupported(
                element: path, attribute: name, line: a.position.line, detail: "value '\(a.value)' is not supported")
        }
        throw invalid(a, "expected one of " + T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
    }

    mutating func requiredEnumeration<T: RawRepresentable & CaseIterable>(
        _ name: String, as: T.Type = T.self, unsupported: [String] = []
    ) throws(DomainXMLError) -> T where T.RawValue == String {
        guard let v: T = try enumeration(name, unsupported: unsupported) else {
            throw .missing(element: path, attribute: name, line: line)
        }
        return v
    }

    /// Decimal or 0x-prefixed hexadecimal integer within `range`.
    mutating func integer(_ name: String, in range: ClosedRange<Int> = 0...Int(Int32.max)) throws(DomainXMLError)
        -> Int?
    {
        guard let a = attribute(name) else { return nil }
        guard let v = Self.parseInteger(a.value), range.contains(v) else {
            throw invalid(a, "expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    mutating func requiredInteger(_ name: String, in range: ClosedRange<Int> = 0...Int(Int32.max))
        throws(DomainXMLError) -> Int
    {
        guard let v = try integer(name, in: range) else { throw .missing(element: path, attribute: name, line: line) }
        return v
    }

    static func parseInteger(_ s: String) -> Int? {
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return Int(s.dropFirst(2), radix: 16) }
        if s.hasPrefix("-") { return Int(s) }
        guard !s.isEmpty, s.allSatisfy(\.isASCII) else { return nil }
        return Int(s)
    }

    /// `yes`/`no`.
    mutating func yesNo(_ name: String) throws(DomainXMLError) -> Bool? {
        guard let a = attribute(name) else { return nil }
        switch a.value {
        case "yes": return true
        case "no": return false
        default: throw invalid(a, "expected 'yes' or 'no'")
        }
    }

    // MARK: content

    mutating func text() -> String {
        usedText = true
        return element.text
    }

    /// The element's source text verbatim; everything inside counts as read.
    mutating func rawContent() -> String {
        usedText = true
        usedChildren = Set(elements.indices)
        return String(element.rawInner)
    }

    /// `<metadata>`'s content as libvirt keeps it (virXMLNodeSanitizeNamespaces): only child elements in a
    /// namespace, the first per namespace URI. A namespace declared only on an ancestor (`scope`, outermost
    /// first) is declared on the kept element so that what is written back parses alone. Everything inside
    /// counts as read.
    mutating func metadataContent(scope: [[XMLAttribute]]) -> [KeptXML] {
        usedText = true
        usedChildren = Set(elements.indices)
        var seen = Set<String>()
        var out: [KeptXML] = []
        for child in element.childElements {
            let prefix = child.name.firstIndex(of: ":").map { String(child.name[..<$0]) }
            let declaration = prefix.map { "xmlns:" + $0 } ?? "xmlns"
            let chain = scope + [element.attributes, child.attributes]
            guard let uri = chain.reversed().lazy.compactMap({ $0.first { $0.name == declaration }?.value }).first,
                !uri.isEmpty, seen.insert(uri).inserted
            else { continue }
            var kept = KeptXML(child, keepComments: true)
            if child.attribute(declaration) == nil {
                kept.attributes.insert(XMLExtras.Attribute(name: declaration, value: uri), at: 0)
            }
            out.append(kept)
        }
        return out
    }

    /// All child elements named `name`, each read by `body` and then checked for leftovers.
    mutating func children<T>(_ name: String, _ body: (inout ElementReader) throws(DomainXMLError) -> T)
        throws(DomainXMLError) -> [T]
    {
        var out: [T] = []
        for (i, e) in elements.enumerated() where e.name == name {
            usedChildren.insert(i)
            var r = childReader(i, name: name)
            out.append(try body(&r))
            try r.finish()
        }
        return out
    }

    /// As `children`, but with a keeper a child whose content the model cannot represent (libvirt accepts it,
    /// SwiftVirt does not implement it: `DomainXMLError.unsupported`) is kept whole, in its place, instead of
    /// failing the document. Without a keeper it fails as before.
    mutating func childrenKeepingUnsupported<T>(
        _ name: String, _ body: (inout ElementReader) throws(DomainXMLError) -> T
    ) throws(DomainXMLError) -> [T] {
        guard let keeper else { return try children(name, body) }
        var out: [T] = []
        for (i, e) in elements.enumerated() where e.name == name {
            usedChildren.insert(i)
            var r = childReader(i, name: name)
            do {
                let value = try body(&r)
                try r.finish()
                out.append(value)
            } catch .unsupported {
                var whole = XMLExtras()
                whole.elements.append(
                    XMLExtras.Element(
                        element: KeptXML(e), after: nil, anchorKey: i > 0 ? keys[i - 1] : nil, ownKey: keys[i]))
                keeper.keep(whole, at: keyedPath)
            }
        }
        return out
    }

    /// Every child named in `names`, in document order, kept whole as a `GenericDevice`; `addressAndAlias`
    /// reads its `<address>` and `<alias>`, which are taken out of the kept XML.
    mutating func generic(
        _ names: [String], addressAndAlias: (inout ElementReader) throws(DomainXMLError) -> (DeviceAddress?, String?)
    ) throws(DomainXMLError) -> [GenericDevice] {
        var out: [GenericDevice] = []
        for (i, e) in elements.enumerated() where names.contains(e.name) {
            usedChildren.insert(i)
            var r = childReader(i, name: e.name)
            r.keeper = nil  // the device is kept whole below; nothing of it goes to the keeper
            let (address, alias) = try addressAndAlias(&r)
            var xml = KeptXML(e)
            xml.content.removeAll {
                if case .element(let c) = $0 { return c.name == "address" || c.name == "alias" }
                return false
            }
            if e.name == "memory" { xml = xml.memorySizesInKiB() }
            if e.name == "filesystem" { xml = xml.filesystemDefaults() }
            var device = GenericDevice(xml: xml, address: address, alias: alias)
            device.sourceLine = SourceLine(e.position.line)
            out.append(device)
        }
        return out
    }

    /// The single child named `name`, if any; a second one is an error.
    mutating func child<T>(_ name: String, _ body: (inout ElementReader) throws(DomainXMLError) -> T)
        throws(DomainXMLError) -> T?
    {
        guard let first = elements.firstIndex(where: { $0.name == name }) else { return nil }
        if let second = elements[(first + 1)...].first(where: { $0.name == name }) {
            throw .inconsistent(
                element: path + "/" + name, line: second.position.line, reason: "element appears more than once")
        }
        usedChildren.insert(first)
        var r = childReader(first, name: name)
        let value = try body(&r)
        try r.finish()
        return value
    }

    /// Whether a child named `name` is there, without reading it (what it holds stays to be kept or refused).
    func has(_ name: String) -> Bool { elements.contains { $0.name == name } }

    /// Whether an empty marker child (e.g. `<readonly/>`) is present.
    mutating func flag(_ name: String) throws(DomainXMLError) -> Bool {
        try child(name) { _ throws(DomainXMLError) in true } ?? false
    }

    /// Text of a child element such as `<name>`.
    mutating func childText(_ name: String) throws(DomainXMLError) -> String? {
        try child(name) { r throws(DomainXMLError) in r.text() }
    }

    /// Keeps what nobody read (attributes, child elements) to be written back: after this, `finish()` does not
    /// refuse them. Call it last, once the model has read what it knows.
    mutating func extras() -> XMLExtras {
        var kept = XMLExtras()
        for a in element.attributes where !usedAttributes.contains(a.name) {
            kept.attributes.append(XMLExtras.Attribute(name: a.name, value: a.value))
            usedAttributes.insert(a.name)
        }
        var seen: [String: Int] = [:]
        var previous: XMLExtras.Anchor?
        var previousKey: String?
        let keys = keys.isEmpty && !elements.isEmpty ? XMLElementKey.keys(of: elements) : keys
        for (i, e) in elements.enumerated() {
            if !usedChildren.contains(i) {
                kept.elements.append(
                    XMLExtras.Element(element: KeptXML(e), after: previous, anchorKey: previousKey, ownKey: keys[i]))
                usedChildren.insert(i)
            }
            let occurrence = seen[e.name, default: 0]
            seen[e.name] = occurrence + 1
            previous = XMLExtras.Anchor(name: e.name, occurrence: occurrence)
            previousKey = keys[i]
        }
        return kept
    }

    /// Refuses attributes, child elements and text that nobody read; with a keeper, keeps them instead.
    mutating func finish() throws(DomainXMLError) {
        if let keeper { keeper.keep(extras(), at: keyedPath) }
        for a in element.attributes where !usedAttributes.contains(a.name) {
            if a.name.hasPrefix("xmlns") { continue }
            throw .unsupported(element: path, attribute: a.name, line: a.position.line, detail: nil)
        }
        for (i, e) in elements.enumerated() where !usedChildren.contains(i) {
            throw .unsupported(element: path + "/" + e.name, attribute: nil, line: e.position.line, detail: nil)
        }
        if !usedText, element.text.contains(where: { !$0.isWhitespace }) {
            throw .unsupported(element: path, attribute: nil, line: line, detail: "unexpected text content")
        }
    }
}
