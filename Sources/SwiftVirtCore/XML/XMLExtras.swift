/// What an element of a definition carried that SwiftVirt's model does not read: attributes and child elements
/// kept as they were, to be written back in the same place (nothing a user wrote is lost between define and
/// dumpxml). Each kept child remembers the element it followed in the input (`after`: its name and how many of
/// that name came before), so it is written back after the same sibling.
public struct XMLExtras: Sendable, Equatable {
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public struct Element: Sendable, Equatable {
        /// The kept subtree.
        public var element: KeptXML
        /// The preceding element sibling in the input: name and its occurrence index (0 for the first of that
        /// name); nil when the kept element came first.
        public var after: Anchor?
        /// The same sibling as an `XMLElementKey` (for `XMLRestore`), and this element's own key in the input.
        public var anchorKey: String?
        public var ownKey: String = ""
    }

    public struct Anchor: Sendable, Equatable, Hashable {
        public var name: String
        public var occurrence: Int
    }

    public var attributes: [Attribute] = []
    public var elements: [Element] = []

    public init() {}

    public var isEmpty: Bool { attributes.isEmpty && elements.isEmpty }
}

/// An XML subtree kept for writing back: element name, attributes in order, and its content (child elements and
/// text; whitespace between child elements and comments are not kept, as libvirt does not keep them).
public struct KeptXML: Sendable, Equatable {
    public var name: String
    public var attributes: [XMLExtras.Attribute]
    public var content: [Content]
    /// Written as libxml2 writes it (the `<metadata>` subtree, which libvirt keeps as a libxml2 node).
    public var libxmlStyle = false

    public indirect enum Content: Sendable, Equatable {
        case element(KeptXML)
        case text(String)
        /// Only under `<metadata>`, which libvirt keeps as a document (libxml2 keeps comments there).
        case comment(String)
    }

    /// `keepComments`: for `<metadata>`, whose subtrees libvirt keeps as libxml2 nodes, comments included.
    public init(_ element: XMLElement, keepComments: Bool = false) {
        name = element.name
        attributes = element.attributes.map { XMLExtras.Attribute(name: $0.name, value: $0.value) }
        let hasElements = element.children.contains {
            if case .element = $0 { return true }
            return false
        }
        content = element.children.compactMap { node in
            switch node {
            case .element(let e): return .element(KeptXML(e, keepComments: keepComments))
            case .text(let t): return hasElements && t.allSatisfy(\.isWhitespace) ? nil : .text(t)
            case .comment(let c): return keepComments ? .comment(c) : nil
            }
        }
    }
}
