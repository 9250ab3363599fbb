/// libvirt's error codes and the two messages libvirt gives each, as virerror.c's `virErrorMsg` picks them: the
/// bare one when a report has no detail, and the one with a detail in it (one `%s`). Read from
/// `include/libvirt/virterror.h` (the `virErrorNumber` enum: names and numbers) and `src/util/virerror.c` (the
/// `virErrorMsgStrings` table), and written as SwiftVirtCore's `VirtErrorCode`. Only these facts are copied.
public struct ErrorTable: Sendable, Equatable {
    public struct Code: Sendable, Equatable {
        /// The C name, e.g. `VIR_ERR_NO_DOMAIN`.
        public var cName: String
        public var value: Int
        /// The Swift case name, e.g. `noDomain`.
        public var swiftName: String
        /// libvirt's message without a detail ("Domain not found"); empty for VIR_ERR_OK, which has none.
        public var bare: String
        /// The text before and after the detail ("Domain not found: ", "").
        public var beforeDetail: String
        public var afterDetail: String
    }

    public var codes: [Code]

    /// Pairs the enum's codes with the table's messages; every code must have its two messages and every message
    /// must belong to a code.
    public init(header: String, headerFile: String, source: String, sourceFile: String) throws(GeneratorError) {
        let numbers = try Self.errorNumbers(inHeader: header, file: headerFile)
        var messages = try Self.messageStrings(inSource: source, file: sourceFile)
        var names: Set<String> = []
        codes = []
        for (cName, value) in numbers {
            guard let forms = messages.removeValue(forKey: cName) else {
                throw GeneratorError("\(sourceFile): virErrorMsgStrings has no entry for \(cName)")
            }
            let swiftName = try Self.swiftName(cName)
            guard names.insert(swiftName).inserted else {
                throw GeneratorError("\(headerFile): two codes are named '\(swiftName)' in Swift")
            }
            switch (forms.bare, forms.withDetail) {
            case (nil, nil) where value == 0:
                codes.append(
                    Code(cName: cName, value: value, swiftName: swiftName, bare: "", beforeDetail: "", afterDetail: ""))
            case (let bare?, let withDetail?):
                let parts = withDetail.split(separator: "%s", omittingEmptySubsequences: false)
                guard parts.count == 2, !bare.contains("%"), !parts.joined().contains("%") else {
                    throw GeneratorError(
                        "\(sourceFile): \(cName): expected one '%s' in \"\(withDetail)\" and none in \"\(bare)\"")
                }
                codes.append(
                    Code(
                        cName: cName, value: value, swiftName: swiftName, bare: bare, beforeDetail: String(parts[0]),
                        afterDetail: String(parts[1])))
            default:
                throw GeneratorError("\(sourceFile): \(cName) lacks one of its two messages")
            }
        }
        if let stray = messages.keys.sorted().first {
            throw GeneratorError("\(sourceFile): virErrorMsgStrings has an entry for \(stray), which \(headerFile) lacks")
        }
    }

    /// The file SwiftVirtCore compiles: the enum, then the two message forms per code.
    public func swiftSource(header: [String]) -> GeneratedFile {
        var out = SwiftSource(header: header.map { $0.isEmpty ? "//" : "// " + $0 })
        out.line("/// libvirt's error numbers (`virErrorNumber`), as sent on the wire in `remote_error.code`.")
        out.line("public enum VirtErrorCode: Int32, Sendable, CaseIterable {")
        for code in codes {
            out.line("    case \(SwiftNaming.identifier(code.swiftName)) = \(code.value)  // \(code.cName)")
        }
        out.line("}")
        out.blank()
        out.line("extension VirtErrorCode {")
        out.line("    /// libvirt's message for the code when the report has no detail (`virErrorMsgStrings[code].msg`).")
        out.line("    public var bareMessage: String {")
        out.line("        switch self {")
        for code in codes {
            out.line("        case .\(SwiftNaming.identifier(code.swiftName)): \(Self.literal(code.bare))")
        }
        out.line("        }")
        out.line("    }")
        out.blank()
        out.line("    /// What libvirt writes before and after a detail (`virErrorMsgStrings[code].msginfo`, split at its `%s`).")
        out.line("    public var detailForm: (before: String, after: String) {")
        out.line("        switch self {")
        for code in codes {
            out.line(
                "        case .\(SwiftNaming.identifier(code.swiftName)): "
                    + "(\(Self.literal(code.beforeDetail)), \(Self.literal(code.afterDetail)))")
        }
        out.line("        }")
        out.line("    }")
        out.line("}")
        return GeneratedFile(name: "ErrorTable.swift", contents: out.finished)
    }

    // MARK: Names

    /// `VIR_ERR_NO_STORAGE_VOL` → `noStorageVolume`; `VIR_WAR_NO_NETWORK` → `warningNoNetwork`. Three
    /// abbreviations are spelled out, as SwiftVirt always named them (`domainExists`, `storageVolumeExists`).
    static func swiftName(_ cName: String) throws(GeneratorError) -> String {
        var words: [String]
        if cName.hasPrefix("VIR_ERR_") {
            words = []
        } else if cName.hasPrefix("VIR_WAR_") {
            words = ["warning"]
        } else {
            throw GeneratorError("error code \(cName) starts with neither VIR_ERR_ nor VIR_WAR_")
        }
        let spelled = ["DOM": "DOMAIN", "VOL": "VOLUME", "EXIST": "EXISTS"]
        for word in cName.dropFirst(8).split(separator: "_") {
            words.append((spelled[String(word)] ?? String(word)).lowercased())
        }
        guard let first = words.first else { throw GeneratorError("error code \(cName) has no name after its prefix") }
        return first + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A Swift string literal of `text`.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // MARK: virterror.h

    /// The members of the `virErrorNumber` enum with their values, in order. Members under a preprocessor
    /// condition (the `VIR_ERR_NUMBER_LAST` sentinel) are not codes and are left out.
    static func errorNumbers(inHeader text: String, file: String) throws(GeneratorError) -> [(String, Int)] {
        let stripped = CSource.withoutComments(text)
        guard let end = stripped.firstRange(of: "} virErrorNumber;"),
            let start = stripped[..<end.lowerBound].ranges(of: "typedef enum {").last
        else {
            throw GeneratorError("\(file): no 'typedef enum { ... } virErrorNumber;'")
        }
        var members: [(String, Int)] = []
        var next = 0
        var conditionDepth = 0
        var kept = ""
        for line in stripped[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = CSource.trimmed(line)
            if trimmed.hasPrefix("#") {
                let directive = CSource.trimmed(trimmed.dropFirst())
                if directive.hasPrefix("if") { conditionDepth += 1 }
                if directive.hasPrefix("endif") { conditionDepth -= 1 }
                continue
            }
            if conditionDepth == 0 { kept += line + "\n" }
        }
        for item in kept.split(separator: ",") {
            let member = CSource.trimmed(item)
            if member.isEmpty { continue }
            let parts = member.split(separator: "=").map(CSource.trimmed)
            guard let name = parts.first, CSource.isIdentifier(name), parts.count <= 2 else {
                throw GeneratorError("\(file): cannot read enum member '\(member)' of virErrorNumber")
            }
            if parts.count == 2 {
                guard let value = Int(parts[1]) else {
                    throw GeneratorError("\(file): \(name) has value '\(parts[1])', not a number")
                }
                next = value
            }
            members.append((name, next))
            next += 1
        }
        guard !members.isEmpty else { throw GeneratorError("\(file): virErrorNumber has no members") }
        return members
    }

    // MARK: virerror.c

    /// The entries of `virErrorMsgStrings`: `[VIR_ERR_X] = { N_("bare"), N_("with %s") }`, where either may be
    /// NULL (VIR_ERR_OK) or a plain string (`"%s"`, which needs no translation).
    static func messageStrings(inSource text: String, file: String) throws(GeneratorError)
        -> [String: (bare: String?, withDetail: String?)]
    {
        let stripped = CSource.withoutComments(text)
        guard let table = stripped.firstRange(of: "virErrorMsgStrings[] = {") else {
            throw GeneratorError("\(file): no 'virErrorMsgStrings[] = {'")
        }
        var tokens = try CSource.tokens(String(stripped[table.upperBound...]), file: file)
        var entries: [String: (bare: String?, withDetail: String?)] = [:]
        func expect(_ symbol: String) throws(GeneratorError) {
            let token = tokens.isEmpty ? nil : tokens.removeFirst()
            guard token == .symbol(symbol) else {
                throw GeneratorError("\(file): virErrorMsgStrings: expected '\(symbol)', found \(token.map { "\($0)" } ?? "the end")")
            }
        }
        func message() throws(GeneratorError) -> String? {
            if tokens.first == .identifier("NULL") {
                tokens.removeFirst()
                return nil
            }
            let translated = tokens.first == .identifier("N_")
            if translated {
                tokens.removeFirst()
                try expect("(")
            }
            var text: String?
            while case .string(let part)? = tokens.first {
                tokens.removeFirst()
                text = (text ?? "") + part
            }
            guard let text else { throw GeneratorError("\(file): virErrorMsgStrings: expected a message") }
            if translated { try expect(")") }
            return text
        }
        while tokens.first != .symbol("}") {
            try expect("[")
            guard case .identifier(let name)? = tokens.first else {
                throw GeneratorError("\(file): virErrorMsgStrings: expected an error code after '['")
            }
            tokens.removeFirst()
            try expect("]")
            try expect("=")
            try expect("{")
            let bare = try message()
            try expect(",")
            let withDetail = try message()
            try expect("}")
            if tokens.first == .symbol(",") { tokens.removeFirst() }
            guard entries.updateValue((bare, withDetail), forKey: name) == nil else {
                throw GeneratorError("\(file): virErrorMsgStrings has two entries for \(name)")
            }
        }
        return entries
    }
}

/// Just enough C for the two files: comments removed, then identifiers, string literals and punctuation.
enum CSource {
    enum Token: Equatable, CustomStringConvertible {
        case identifier(String)
        case string(String)
        case symbol(String)

        var description: String {
            switch self {
            case .identifier(let name): return name
            case .string(let text): return "\"\(text)\""
            case .symbol(let symbol): return "'\(symbol)'"
            }
        }
    }

    static func trimmed(_ text: some StringProtocol) -> String {
        let isSpace = { (c: Character) in c == " " || c == "\t" || c == "\n" || c == "\r" }
        return String(text.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// `text` with `/* */` and `//` comments replaced by spaces (newlines kept), string literals untouched.
    static func withoutComments(_ text: String) -> String {
        var out: [Unicode.Scalar] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            let next = i + 1 < scalars.count ? scalars[i + 1] : nil
            if c == "\"" {
                out.append(c)
                i += 1
                while i < scalars.count && scalars[i] != "\"" && scalars[i] != "\n" {
                    if scalars[i] == "\\" && i + 1 < scalars.count {
                        out.append(scalars[i])
                        i += 1
                    }
                    out.append(scalars[i])
                    i += 1
                }
                if i < scalars.count {
                    out.append(scalars[i])
                    i += 1
                }
            } else if c == "/" && next == "*" {
                i += 2
                while i < scalars.count && !(scalars[i] == "*" && i + 1 < scalars.count && scalars[i + 1] == "/") {
                    out.append(scalars[i] == "\n" ? "\n" : " ")
                    i += 1
                }
                i += 2
            } else if c == "/" && next == "/" {
                while i < scalars.count && scalars[i] != "\n" { i += 1 }
            } else {
                out.append(c)
                i += 1
            }
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: out)
        return result
    }

    /// Tokens of comment-free C, up to the first `}` that closes nothing opened here (the end of an initialiser).
    static func tokens(_ text: String, file: String) throws(GeneratorError) -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var depth = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
            } else if c == "\"" {
                var literal = ""
                i += 1
                while i < scalars.count && scalars[i] != "\"" {
                    var s = scalars[i]
                    if s == "\\" && i + 1 < scalars.count {
                        i += 1
                        switch scalars[i] {
                        case "n": s = "\n"
                        case "t": s = "\t"
                        case "\\", "\"", "'": s = scalars[i]
                        default: throw GeneratorError("\(file): unsupported escape '\\\(scalars[i])' in a string")
                        }
                    }
                    literal.unicodeScalars.append(s)
                    i += 1
                }
                guard i < scalars.count else { throw GeneratorError("\(file): unterminated string") }
                i += 1
                tokens.append(.string(literal))
            } else if c == "_" || (c.isASCII && c.properties.isAlphabetic) {
                var name = ""
                while i < scalars.count,
                    scalars[i] == "_" || (scalars[i].isASCII && (scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i])))
                {
                    name.unicodeScalars.append(scalars[i])
                    i += 1
                }
                tokens.append(.identifier(name))
            } else {
                if c == "{" { depth += 1 }
                if c == "}" {
                    if depth == 0 {
                        tokens.append(.symbol("}"))
                        return tokens
                    }
                    depth -= 1
                }
                tokens.append(.symbol(String(c)))
                i += 1
            }
        }
        throw GeneratorError("\(file): the table does not end")
    }
}
