/// Collects, while a document is parsed, what the readers did not read: attributes, child elements, at every
/// level. Each level is named by a keyed path (`domain/devices/disk[vda]/driver`), so what was kept can be put
/// back into the same element of the formatted output, however the model reordered or completed it.
final class XMLKeeper {
    private(set) var kept: [String: XMLExtras] = [:]

    func keep(_ extras: XMLExtras, at keyedPath: String) {
        guard !extras.isEmpty else { return }
        kept[keyedPath, default: XMLExtras()].attributes += extras.attributes
        kept[keyedPath, default: XMLExtras()].elements += extras.elements
    }
}

/// How a child element is told apart from its siblings, in the input and in the formatted output alike: by what
/// identifies it (a disk by its target, a controller by type and index, an interface by its MAC address), else
/// by its name, with `#N` for the (N+1)th of that name.
enum XMLElementKey {
    static func key(of e: XMLElement, occurrence: Int) -> String {
        if e.name == "disk", let dev = e.childElements.first(where: { $0.name == "target" })?[attribute: "dev"] {
            return "disk[\(dev)]"
        }
        return occurrence == 0 ? e.name : "\(e.name)#\(occurrence)"
    }

    /// The keys of an element's children, in order. Controllers are keyed by type and index; one without an index
    /// gets the one libvirt gives it, the lowest of its type not used before it, so the key is the same before and
    /// after the defaults fill the index in.
    static func keys(ofChildrenOf e: XMLElement) -> [String] { keys(of: e.childElements) }

    static func keys(of children: [XMLElement]) -> [String] {
        var seen: [String: Int] = [:]
        var usedIndexes: [String: Set<Int>] = [:]
        for c in children where c.name == "controller" {
            if let type = c[attribute: "type"], let index = c[attribute: "index"].flatMap({ Int($0) }) {
                usedIndexes[type, default: []].insert(index)
            }
        }
        return children.map { child in
            let n = seen[child.name, default: 0]
            seen[child.name] = n + 1
            if child.name == "controller", let type = child[attribute: "type"] {
                if let index = child[attribute: "index"].flatMap({ Int($0) }) { return "controller[\(type),\(index)]" }
                var index = 0
                while usedIndexes[type, default: []].contains(index) { index += 1 }
                usedIndexes[type, default: []].insert(index)
                return "controller[\(type),\(index)]"
            }
            return key(of: child, occurrence: n)
        }
    }
}

/// Puts what an `XMLKeeper` kept back into a formatted document.
public enum XMLRestore {
    /// `formatted`: the model's output; `kept`: by keyed path, as the keeper collected it. Returns the merged
    /// document, or `formatted` itself when nothing was kept or it does not parse.
    /// `order`: where kept elements and attributes go among the formatted ones (else after their input sibling).
    public static func merge(_ formatted: String, kept: [String: XMLExtras], order: XMLOrder? = nil) -> String {
        guard !kept.isEmpty, let root = try? XMLParser.parse(formatted) else { return formatted }
        var w = XMLWriter()
        w.write(merged(root, path: root.name, parent: nil, kept: kept, order: order))
        return w.output
    }

    private static func merged(
        _ e: XMLElement, path: String, parent: String?, kept: [String: XMLExtras], order: XMLOrder?
    ) -> KeptXML {
        // The top-level <metadata> (path "domain/metadata") was written libxml2's way already; keep it so.
        if e.name == "metadata", path.split(separator: "/").count == 2 {
            var m = KeptXML(e, keepComments: true)
            m.libxmlStyle = true
            return m
        }
        var out = KeptXML(e)
        let extras = kept[path]
        if let extras { out.attributes += extras.attributes.filter { a in !out.attributes.contains { $0.name == a.name } } }
        // Children: the formatted ones (merged in turn), with kept ones after the sibling they followed.
        let keys = XMLElementKey.keys(ofChildrenOf: e)
        var pending = extras?.elements ?? []
        var content: [KeptXML.Content] = []
        func emit(after anchor: String?) {
            let due = pending.filter { $0.anchorKey == anchor }
            guard !due.isEmpty else { return }
            pending.removeAll { $0.anchorKey == anchor }
            for item in due {
                content.append(.element(ordered(item.element, parent: e.name, order: order)))
                emit(after: item.ownKey)
            }
        }
        emit(after: nil)
        var index = 0
        for node in e.children {
            switch node {
            case .element(let child):
                let key = keys[index]
                index += 1
                content.append(.element(merged(child, path: path + "/" + key, parent: e.name, kept: kept, order: order)))
                emit(after: key)
            case .text(let t):
                if !t.allSatisfy(\.isWhitespace) { content.append(.text(t)) }
            case .comment:
                break
            }
        }
        for item in pending { content.append(.element(ordered(item.element, parent: e.name, order: order))) }
        if extras != nil, let names = order?.children(of: e.name, in: parent) {
            content = XMLOrder.sorted(content) { item in
                guard case .element(let child) = item else { return nil }
                return names.firstIndex(of: child.name)
            }
        }
        if extras?.attributes.isEmpty == false, let names = order?.attributes(of: e.name, in: parent) {
            out.attributes = XMLOrder.sorted(out.attributes) { names.firstIndex(of: $0.name) ?? names.count }
        }
        out.content = content
        return out
    }

    /// A kept subtree with its children and attributes in `order`, all the way down.
    private static func ordered(_ e: KeptXML, parent: String?, order: XMLOrder?) -> KeptXML {
        guard let order, !e.libxmlStyle else { return e }
        var out = e
        if let names = order.attributes(of: e.name, in: parent) {
            out.attributes = XMLOrder.sorted(e.attributes) { names.firstIndex(of: $0.name) ?? names.count }
        }
        out.content = e.content.map { item in
            if case .element(let child) = item { return .element(ordered(child, parent: e.name, order: order)) }
            return item
        }
        if let names = order.children(of: e.name, in: parent) {
            out.content = XMLOrder.sorted(out.content) { item in
                guard case .element(let child) = item else { return nil }
                return names.firstIndex(of: child.name)
            }
        }
        return out
    }
}
