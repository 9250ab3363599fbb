/// A small non-validating XML 1.0 parser for libvirt documents: elements, ordered attributes, text, comments,
/// CDATA, the predefined entities and character references, processing instructions (skipped). DTDs are refused
/// (libvirt documents never need them, and they invite entity expansion attacks).
public struct XMLParser {
    private let source: String
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1

    public static func parse(_ text: String) throws(XMLSyntaxError) -> XMLElement {
        var p = XMLParser(text)
        return try p.document()
    }

    private init(_ text: String) {
        source = text
        bytes = Array(text.utf8)
    }

    private var position: XMLPosition { XMLPosition(line: line, column: column) }
    private var atEnd: Bool { index >= bytes.count }
    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }
    private func fail(_ message: String, at pos: XMLPosition? = nil) -> XMLSyntaxError {
        XMLSyntaxError(position: pos ?? position, message: message)
    }

    private mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if bytes[index] & 0xC0 != 0x80 {
                column += 1  // count characters, not UTF-8 continuation bytes
            }
            index += 1
        }
    }
    /// Compares in place: this runs for every byte of text and comments, so it must not allocate.
    private func lookingAt(_ s: StaticString) -> Bool {
        let count = s.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return s.withUTF8Buffer { literal in
            for i in 0..<count where bytes[index + i] != literal[i] { return false }
            return true
        }
    }
    private mutating func expect(_ s: StaticString) throws(XMLSyntaxError) {
        guard lookingAt(s) else { throw fail("expected '\(s)'") }
        advance(s.utf8CodeUnitCount)
    }
    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    private static func isNameChar(_ c: UInt8, first: Bool) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"),
            UInt8(ascii: ":"), 0x80...0xFF:
            return true
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): return !first
        default: return false
        }
    }
    private mutating func skipSpace() {
        while let c = peek(), Self.isSpace(c) { advance() }
    }
    /// Byte offsets here always fall on tag boundaries, so they are valid String indices.
    private func sourceIndex(_ offset: Int) -> String.Index {
        source.utf8.index(source.utf8.startIndex, offsetBy: offset)
    }
    private func string(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }

    private mutating func name() throws(XMLSyntaxError) -> String {
        let start = index
        guard let c = peek(), Self.isNameChar(c, first: true) else { throw fail("expected a name") }
        while let c = peek(), Self.isNameChar(c, first: index == start) { advance() }
        return string(start, index)
    }

    private mutating func document() throws(XMLSyntaxError) -> XMLElement {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // UTF-8 byte order mark
        try misc()
        guard peek() == UInt8(ascii: "<") else {
            throw fail(atEnd ? "document is empty" : "Start tag expected, '<' not found")
        }
        let root = try element()
        try misc()
        if !atEnd { throw fail("Extra content at the end of the document") }
        return root
    }

    /// Whitespace, comments and processing instructions outside the root element.
    private mutating func misc() throws(XMLSyntaxError) {
        while true {
            skipSpace()
            if lookingAt("<?") {
                try processingInstruction()
            } else if lookingAt("<!--") {
                _ = try comment()
            } else if lookingAt("<!DOCTYPE") {
                throw fail("DOCTYPE declarations are not supported")
            } else {
                return
            }
        }
    }

    private mutating func processingInstruction() throws(XMLSyntaxError) {
        let start = position
        advance(2)
        _ = try name()
        while !lookingAt("?>") {
            if atEnd { throw fail("unterminated processing instruction", at: start) }
            advance()
        }
        advance(2)
    }

    private mutating func comment() throws(XMLSyntaxError) -> String {
        let start = position
        advance(4)
        let from = index
        while !lookingAt("-->") {
            if atEnd { throw fail("Comment not terminated", at: start) }
            if lookingAt("--") { throw fail("'--' is not allowed inside a comment") }
            advance()
        }
        let text = string(from, index)
        advance(3)
        return text
    }

    private mutating func element() throws(XMLSyntaxError) -> XMLElement {
        let start = position
        advance()  // '<'
        let tag = try name()
        var attributes: [XMLAttribute] = []
        while true {
            let hadSpace = peek().map(Self.isSpace) ?? false
            skipSpace()
            guard let c = peek() else { throw fail("Couldn't find end of Start Tag \(tag)", at: start) }
            if c == UInt8(ascii: "/") {
                try expect("/>")
                let here = sourceIndex(index)
                return XMLElement(
                    name: tag, attributes: attributes, children: [], position: start, rawInner: source[here..<here])
            }
            if c == UInt8(ascii: ">") {
                advance()
                break
            }
            guard hadSpace else { throw fail("attributes construct error in \(tag)") }
            let attrPos = position
            let attrName = try name()
            if attributes.contains(where: { $0.name == attrName }) {
                throw fail("Attribute \(attrName) redefined", at: attrPos)
            }
            skipSpace()
            try expect("=")
            skipSpace()
            let value = try attributeValue()
            attributes.append(XMLAttribute(name: attrName, value: value, position: attrPos))
        }
        let innerStart = index
        var children: [XMLNode] = []
        var text = ""
        func flush() {
            if !text.isEmpty { children.append(.text(text)) }
            text = ""
        }
        while true {
            guard let c = peek() else { throw fail("Premature end of data in tag \(tag) line \(start.line)") }
            if c == UInt8(ascii: "<") {
                if lookingAt("</") {
                    let innerEnd = index
                    let endPos = position
                    advance(2)
                    let closing = try name()
                    guard closing == tag else {
                        throw fail(
                            "Opening and ending tag mismatch: \(tag) line \(start.line) and \(closing)", at: endPos)
                    }
                    skipSpace()
                    try expect(">")
                    flush()
                    let raw = source[sourceIndex(innerStart)..<sourceIndex(innerEnd)]
                    return XMLElement(
                        name: tag, attributes: attributes, children: children, position: start, rawInner: raw)
                } else if lookingAt("<!--") {
                    flush()
                    children.append(.comment(try comment()))
                } else if lookingAt("<![CDATA[") {
                    text += try cdata()
                } else if lookingAt("<?") {
                    try processingInstruction()
                } else if lookingAt("<!") {
                    throw fail("markup declarations are not allowed inside elements")
                } else {
                    flush()
                    children.append(.element(try element()))
                }
            } else if c == UInt8(ascii: "&") {
                text += try reference()
            } else {
                let from = index
                while let d = peek(), d != UInt8(ascii: "<"), d != UInt8(ascii: "&") {
                    if d == UInt8(ascii: "]") && lookingAt("]]>") {
                        throw fail("Sequence ']]>' not allowed in content")
                    }
                    advance()
                }
                text += string(from, index)
            }
        }
    }

    private mutating func cdata() throws(XMLSyntaxError) -> String {
        let start = position
        advance(9)
        let from = index
        while !lookingAt("]]>") {
            if atEnd { throw fail("CData section not finished", at: start) }
            advance()
        }
        let text = string(from, index)
        advance(3)
        return text
    }

    private mutating func attributeValue() throws(XMLSyntaxError) -> String {
        guard let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            throw fail("AttValue: \" or ' expected")
        }
        let start = position
        advance()
        var value = ""
        while true {
            guard let c = peek() else { throw fail("AttValue: ' expected", at: start) }
            if c == quote {
                advance()
                return value
            }
            if c == UInt8(ascii: "<") { throw fail("Unescaped '<' not allowed in attributes values") }
            if c == UInt8(ascii: "&") {
                value += try reference()
                continue
            }
            // Attribute-value normalisation: each literal whitespace character (a CR LF pair counting as one)
            // becomes a space.
            var run: [UInt8] = []
            while let d = peek(), d != quote, d != UInt8(ascii: "<"), d != UInt8(ascii: "&") {
                switch d {
                case 0x0D where peek(1) == 0x0A:
                    run.append(0x20)
                    advance()
                case 0x0A, 0x09, 0x0D: run.append(0x20)
                default: run.append(d)
                }
                advance()
            }
            value += String(decoding: run, as: UTF8.self)
        }
    }

    /// `&name;` or `&#N;` / `&#xN;`.
    private mutating func reference() throws(XMLSyntaxError) -> String {
        let start = position
        advance()
        let from = index
        while let c = peek(), c != UInt8(ascii: ";") {
            if Self.isSpace(c) || c == UInt8(ascii: "<") || c == UInt8(ascii: "&") || index - from > 12 {
                throw fail("EntityRef: expecting ';'", at: start)
            }
            advance()
        }
        guard peek() == UInt8(ascii: ";") else { throw fail("EntityRef: expecting ';'", at: start) }
        let ref = string(from, index)
        advance()
        switch ref {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            let scalarValue: UInt32?
            if ref.hasPrefix("#x") {
                scalarValue = UInt32(ref.dropFirst(2), radix: 16)
            } else if ref.hasPrefix("#") {
                scalarValue = UInt32(ref.dropFirst(1), radix: 10)
            } else {
                throw fail("Entity '\(ref)' not defined", at: start)
            }
            guard let v = scalarValue, v != 0, let scalar = Unicode.Scalar(v) else {
                throw fail("invalid character reference '&\(ref);'", at: start)
            }
            return String(Character(scalar))
        }
    }
}
