/// Where in which file something is, for error messages.
public struct XDRLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var description: String { "\(file):\(line)" }
}

public struct XDRSyntaxError: Error, Sendable, CustomStringConvertible {
    public var location: XDRLocation
    public var message: String
    public var description: String { "\(location): \(message)" }
}

struct XDRToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case number(Int)
        case symbol(Character)
        case end
    }
    var kind: Kind
    var line: Int
    /// The last comment between the previous token and this one.
    var comment: String?
}

/// Splits `.x` text into identifiers, numbers and punctuation. Drops `%` pass-through lines (C for rpcgen's
/// output) and keeps each token's preceding comment, because libvirt annotates procedures in comments.
struct XDRLexer {
    private let text: [UInt8]
    private let file: String

    init(text: String, file: String) {
        self.text = Array(text.utf8)
        self.file = file
    }

    func tokens() throws(XDRSyntaxError) -> [XDRToken] {
        var out: [XDRToken] = []
        var i = 0
        var line = 1
        var atLineStart = true
        var comment: String?
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "\n") {
                line += 1
                atLineStart = true
                i += 1
                continue
            }
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
                i += 1
                continue
            }
            if atLineStart && c == UInt8(ascii: "%") {
                while i < text.count && text[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            }
            atLineStart = false
            if c == UInt8(ascii: "/") && i + 1 < text.count && text[i + 1] == UInt8(ascii: "*") {
                let start = i
                let startLine = line
                i += 2
                while i + 1 < text.count && !(text[i] == UInt8(ascii: "*") && text[i + 1] == UInt8(ascii: "/")) {
                    if text[i] == UInt8(ascii: "\n") { line += 1 }
                    i += 1
                }
                guard i + 1 < text.count else {
                    throw XDRSyntaxError(location: .init(file: file, line: startLine), message: "unterminated comment")
                }
                i += 2
                comment = String(decoding: text[start..<i], as: UTF8.self)
                continue
            }
            if c == UInt8(ascii: "/") && i + 1 < text.count && text[i + 1] == UInt8(ascii: "/") {
                while i < text.count && text[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            }
            if Self.isIdentifierStart(c) {
                let start = i
                while i < text.count && Self.isIdentifierPart(text[i]) { i += 1 }
                out.append(.init(kind: .identifier(String(decoding: text[start..<i], as: UTF8.self)), line: line, comment: comment))
                comment = nil
                continue
            }
            if Self.isDigit(c) {
                let start = i
                while i < text.count && (Self.isIdentifierPart(text[i])) { i += 1 }
                let literal = String(decoding: text[start..<i], as: UTF8.self)
                let value: Int?
                if literal.hasPrefix("0x") || literal.hasPrefix("0X") {
                    value = Int(literal.dropFirst(2), radix: 16)
                } else if literal.count > 1 && literal.hasPrefix("0") {
                    value = Int(literal.dropFirst(), radix: 8)
                } else {
                    value = Int(literal)
                }
                guard let value else {
                    throw XDRSyntaxError(location: .init(file: file, line: line), message: "bad number '\(literal)'")
                }
                out.append(.init(kind: .number(value), line: line, comment: comment))
                comment = nil
                continue
            }
            if "{}[]<>();:,=*-".utf8.contains(c) {
                out.append(.init(kind: .symbol(Character(Unicode.Scalar(c))), line: line, comment: comment))
                comment = nil
                i += 1
                continue
            }
            throw XDRSyntaxError(
                location: .init(file: file, line: line), message: "unexpected character '\(Character(Unicode.Scalar(c)))'")
        }
        out.append(.init(kind: .end, line: line, comment: comment))
        return out
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_")
    }
    private static func isIdentifierPart(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) }
}
