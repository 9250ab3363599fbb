/// libvirt nwfilter XML, read with the checks of libvirt 9.0's filter parser (its codes and words).
public enum NWFilterXML {
    /// The chain names a filter may use (`root` alone, the others as prefixes), with their default priorities.
    public static let chains: [(prefix: String, priority: Int?)] = [
        ("root", 0), ("mac", -800), ("vlan", -750), ("stp", nil), ("arp", -500), ("rarp", -400), ("ipv4", -700),
        ("ipv6", -600),
    ]

    static func error(_ code: VirtErrorCode, _ detail: String) -> VirtError {
        VirtError(code, domain: .nwfilter, detail: detail)
    }

    /// Parses `<filter>` text; a missing `<uuid>` gets a random one.
    public static func parse(_ text: String) throws(VirtError) -> NWFilterDefinition {
        let root = try XMLDocumentRoot.parse(text, root: "filter", name: "nwfilter_definition")
        guard let name = nonEmpty(root[attribute: "name"]) else { throw error(.internalError, "filter has no name") }
        var priority: Int?
        if let p = nonEmpty(root[attribute: "priority"]) {
            guard let v = Int32(p) else { throw error(.invalidArg, "Could not parse chain priority '\(p)'") }
            guard (-1000...1000).contains(v) else {
                throw error(.invalidArg, "Priority '\(v)' is outside valid range of [-1000,1000]")
            }
            priority = Int(v)
        }
        var uuid = DomainUUID.random()
        var chain = "root", chainPriority = 0
        if let c = nonEmpty(root[attribute: "chain"]) {
            let prefix = try allowedChainPrefix(c)
            chain = c
            chainPriority = priority ?? chains.first { $0.prefix == prefix }?.priority ?? 0
        }
        if let u = nonEmpty(root.childElements.first { $0.name == "uuid" }?.text) {
            guard let parsed = DomainUUID(string: u.trimmingWhitespace()) else {
                throw error(.xmlError, "malformed uuid element")
            }
            uuid = parsed
        }
        var def = NWFilterDefinition(name: name, uuid: uuid)
        def.chain = chain
        def.chainPriority = chainPriority
        for child in root.childElements {
            switch child.name {
            case "rule": def.entries.append(.rule(try rule(child)))
            case "filterref":
                guard let filter = child[attribute: "filter"] else {
                    // libvirt's words for a filterref without its filter.
                    throw error(.internalError, "rule node requires action attribute")
                }
                def.entries.append(.reference(reference(child, filter: filter)))
            default: continue
            }
        }
        return def
    }

    /// The prefix a chain name is allowed by, else libvirt's refusal.
    static func allowedChainPrefix(_ chain: String) throws(VirtError) -> String {
        guard chain.utf8.count <= 12 else { throw error(.invalidArg, "Name of chain is longer than 12 characters") }
        let valid = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-")
        guard chain.allSatisfy(valid.contains) else {
            throw error(.invalidArg, "Chain name contains invalid characters")
        }
        if chain == "root" { return "root" }
        if !chain.hasPrefix("root"), let p = chains.first(where: { chain.hasPrefix($0.prefix) }) { return p.prefix }
        let others = chains.dropFirst().map(\.prefix).joined(separator: ", ")
        throw error(
            .invalidArg,
            "Invalid chain name '\(chain)'. Please use a chain name called 'root' or any of the following prefixes: \(others)"
        )
    }

    /// `<filterref>`'s parameters; one with a bad name or value is skipped, as libvirt skips it.
    public static func reference(_ e: XMLElement, filter: String) -> NWFilterReference {
        var ref = NWFilterReference(filter: filter)
        for p in e.childElements where p.name == "parameter" {
            guard let n = p[attribute: "name"], let v = p[attribute: "value"], isVariableName(n), isVariableValue(v)
            else { continue }
            ref.add(n, v)
        }
        return ref
    }

    static func isVariableName(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { $0 == "_" || isLetterOrDigit($0) }
    }

    static func isVariableValue(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { isLetterOrDigit($0) || "_.:".unicodeScalars.contains($0) }
    }

    static func isLetterOrDigit(_ u: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u)
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}

/// Reads a document's root element, refusing malformed XML and another root as libvirt's XML parser does.
public enum XMLDocumentRoot {
    /// `name`: libvirt's label of the document in syntax errors, e.g. `nwfilter_definition`.
    public static func parse(_ text: String, root: String, name: String) throws(VirtError) -> XMLElement {
        let element: XMLElement
        do {
            element = try XMLParser.parse(text)
        } catch {
            throw VirtError(
                .xmlDetail, domain: .xml,
                detail: "(\(name)):\(error.position.line): \(error.message)\n" + context(text, error))
        }
        guard element.name == root else {
            throw VirtError(.xmlError, domain: .xml, detail: "expecting root element of '\(root)', not '\(element.name)'")
        }
        return element
    }

    /// libvirt's context under a syntax error: the line and a pointer (`---^`) under where the parser stopped (for
    /// a tag mismatch, after the closing tag, as libxml2 stops there).
    static func context(_ text: String, _ error: XMLSyntaxError) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard error.position.line >= 1, error.position.line <= lines.count else { return "" }
        let line = Array(lines[error.position.line - 1].prefix { $0 != "\r" })
        var column = error.position.column - 1
        if error.message.hasPrefix("Opening and ending tag mismatch"),
            let close = line[min(column, line.count)...].firstIndex(of: ">")
        {
            column = close + 1
        }
        let pointer = line.prefix(column).map { $0 == "\t" ? "\t" : "-" }.joined()
        return String(line) + "\n" + pointer + "^"
    }
}
