/// A position in XML source text (1-based).
public struct XMLPosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

public struct XMLAttribute: Sendable, Equatable {
    public var name: String
    public var value: String
    public var position: XMLPosition
}

public enum XMLNode: Sendable, Equatable {
    case element(XMLElement)
    /// Character data with entities resolved (CDATA sections are text too).
    case text(String)
    case comment(String)
}

public struct XMLElement: Sendable, Equatable {
    public var name: String
    /// In source order.
    public var attributes: [XMLAttribute]
    public var children: [XMLNode]
    public var position: XMLPosition
    /// The exact source text between the start tag and the end tag ("" for `<x/>`).
    public var rawInner: Substring

    public func attribute(_ name: String) -> XMLAttribute? { attributes.first { $0.name == name } }
    public subscript(attribute name: String) -> String? { attribute(name)?.value }

    public var childElements: [XMLElement] {
        children.compactMap {
            if case .element(let e) = $0 { return e }
            return nil
        }
    }
    /// Concatenated text children (entities resolved, comments skipped).
    public var text: String {
        children.reduce(into: "") {
            if case .text(let t) = $1 { $0 += t }
        }
    }
}

/// Malformed XML, with where the parser stopped.
public struct XMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: XMLPosition
    public var message: String
    public var description: String { "line \(position.line), column \(position.column): \(message)" }
}
