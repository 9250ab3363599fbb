/// virDomainSetMetadata / virDomainGetMetadata on one definition: the title, the description, or an
/// application's own element under `<metadata>`, found by its namespace URI.
public enum DomainMetadataType: Int32, Sendable {
    case description = 0
    case title = 1
    case element = 2

    /// libvirt's refusal of a type it does not know (VIR_ERR_INVALID_ARG, from the domain conf code).
    public static func from(_ raw: Int32) throws -> DomainMetadataType {
        guard let type = DomainMetadataType(rawValue: raw) else {
            throw VirtError(.invalidArg, domain: .domain, detail: "unknown metadata type '\(raw)'")
        }
        return type
    }
}

extension DomainDefinition {
    /// Sets (or with `value` nil or empty, removes) the metadata of `type`. For `.element`, `value` is an XML
    /// element put in namespace `uri` with prefix `key` (elements without a namespace of their own take it);
    /// any element already there in that namespace is replaced.
    public mutating func setMetadata(_ type: DomainMetadataType, _ value: String?, key: String?, uri: String?)
        throws
    {
        switch type {
        case .description: description = value?.isEmpty == false ? value : nil
        case .title: title = value?.isEmpty == false ? value : nil
        case .element:
            let uri = uri ?? ""
            var added: KeptXML?
            if let value {
                let root: XMLElement
                do {
                    root = try XMLParser.parse(value)
                } catch {
                    throw VirtError(.xmlDetail, domain: .xml, detail: "(metadata_xml):\(error.description)")
                }
                let prefix = key ?? ""
                guard Self.isNCName(prefix) else {
                    throw VirtError(
                        .internalError, domain: .domain, detail: "failed to validate prefix for a new XML namespace")
                }
                var kept = Self.inNamespace(KeptXML(root, keepComments: true), prefix: prefix, defaultScoped: false)
                kept.attributes.insert(XMLExtras.Attribute(name: "xmlns:" + prefix, value: uri), at: 0)
                added = kept
            }
            if added != nil && metadata == nil { metadata = [] }
            metadata?.removeAll { Self.namespaceURI(of: $0) == uri }
            if let added { metadata?.append(added) }
        }
    }

    /// The metadata of `type`; libvirt's VIR_ERR_NO_DOMAIN_METADATA when there is none. An element comes back
    /// without its namespace prefix and declaration, formatted as libxml2 dumps a node.
    public func metadata(_ type: DomainMetadataType, uri: String?) throws -> String {
        let found: String?
        switch type {
        case .description: found = description
        case .title: found = title
        case .element:
            found = metadata?.first { Self.namespaceURI(of: $0) == uri }.map { item in
                let prefix = Self.prefix(of: item.name)
                var bare = Self.withoutPrefix(item, prefix)
                bare.attributes.removeAll { $0.name == (prefix.map { "xmlns:" + $0 } ?? "xmlns") }
                var out = ""
                XMLWriter.libxml(bare, depth: 0, pretty: true, into: &out)
                return out
            }
        }
        guard let found else {
            throw VirtError(.noDomainMetadata, domain: .domain, detail: "Requested metadata element is not present")
        }
        return found
    }

    private static func prefix(of name: String) -> String? {
        name.firstIndex(of: ":").map { String(name[..<$0]) }
    }

    /// The URI an element of `<metadata>` is in: its prefix's declaration, which the parser puts on it.
    private static func namespaceURI(of item: KeptXML) -> String? {
        let declaration = prefix(of: item.name).map { "xmlns:" + $0 } ?? "xmlns"
        return item.attributes.first { $0.name == declaration }?.value
    }

    /// `e` with every element that has no namespace put in `prefix`'s (libvirt's virXMLInjectNamespace).
    /// Elements under a default namespace declaration (`xmlns=`) have one already.
    private static func inNamespace(_ e: KeptXML, prefix: String, defaultScoped: Bool) -> KeptXML {
        var e = e
        let scoped = defaultScoped || e.attributes.contains { $0.name == "xmlns" }
        if !scoped && Self.prefix(of: e.name) == nil { e.name = prefix + ":" + e.name }
        e.content = e.content.map {
            if case .element(let child) = $0 { .element(inNamespace(child, prefix: prefix, defaultScoped: scoped)) } else { $0 }
        }
        return e
    }

    /// `e` with `prefix` taken off the element names that carry it (virXMLExtractNamespaceXML).
    private static func withoutPrefix(_ e: KeptXML, _ prefix: String?) -> KeptXML {
        guard let prefix else { return e }
        var e = e
        if e.name.hasPrefix(prefix + ":") { e.name.removeFirst(prefix.count + 1) }
        e.content = e.content.map {
            if case .element(let child) = $0 { .element(withoutPrefix(child, prefix)) } else { $0 }
        }
        return e
    }

    /// An XML name without colons (libxml2's xmlValidateNCName, for the ASCII names clients use).
    private static func isNCName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "-" || $0 == "." || $0.properties.isAlphabetic || ("0"..."9").contains($0)
        }
    }
}
