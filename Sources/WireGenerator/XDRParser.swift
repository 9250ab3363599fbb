/// Parses the `.x` language: `const`, `typedef`, `struct`, `union switch`, `enum`, with optional (`*`), fixed
/// (`[N]`) and variable (`<N>`) declarations. `program` blocks are not used by libvirt and are not accepted.
public struct XDRParser {
    private var tokens: [XDRToken]
    private var position = 0
    private let file: String

    public static func parse(_ text: String, file: String) throws(XDRSyntaxError) -> XDRSpecification {
        var parser = XDRParser(tokens: try XDRLexer(text: text, file: file).tokens(), file: file)
        return try parser.specification()
    }

    private init(tokens: [XDRToken], file: String) {
        self.tokens = tokens
        self.file = file
    }

    private mutating func specification() throws(XDRSyntaxError) -> XDRSpecification {
        var definitions: [XDRDefinition] = []
        while true {
            let token = peek
            switch token.kind {
            case .end:
                return XDRSpecification(definitions: definitions)
            case .symbol(";"):
                position += 1
            case .identifier("const"):
                position += 1
                let name = try identifier()
                try expect("=")
                let value = try value()
                try expect(";")
                definitions.append(.constant(XDRConstant(name: name, value: value)))
            case .identifier("typedef"):
                position += 1
                let declaration = try declaration()
                try expect(";")
                definitions.append(.typedef(declaration))
            case .identifier("struct"):
                position += 1
                definitions.append(.structure(try structBody()))
                try expect(";")
            case .identifier("union"):
                position += 1
                definitions.append(.union(try unionBody()))
                try expect(";")
            case .identifier("enum"):
                position += 1
                definitions.append(.enumeration(try enumBody()))
                try expect(";")
            default:
                throw error("expected a definition, found \(describe(token))")
            }
        }
    }

    private mutating func structBody() throws(XDRSyntaxError) -> XDRStruct {
        let name = try identifier()
        try expect("{")
        var fields: [XDRDeclaration] = []
        while !check("}") {
            fields.append(try declaration())
            try expect(";")
        }
        try expect("}")
        return XDRStruct(name: name, fields: fields)
    }

    private mutating func unionBody() throws(XDRSyntaxError) -> XDRUnion {
        let name = try identifier()
        try expectWord("switch")
        try expect("(")
        let discriminant = try declaration()
        try expect(")")
        try expect("{")
        var arms: [XDRUnionArm] = []
        var defaultArm: XDRDeclaration?? = nil
        while !check("}") {
            if accept(word: "default") {
                try expect(":")
                defaultArm = .some(try optionalVoidDeclaration())
                try expect(";")
                continue
            }
            var labels: [XDRValue] = []
            while accept(word: "case") {
                labels.append(try value())
                try expect(":")
            }
            if labels.isEmpty { throw error("expected 'case' or 'default' in union \(name), found \(describe(peek))") }
            arms.append(XDRUnionArm(labels: labels, declaration: try optionalVoidDeclaration()))
            try expect(";")
        }
        try expect("}")
        return XDRUnion(name: name, discriminant: discriminant, arms: arms, defaultArm: defaultArm)
    }

    private mutating func enumBody() throws(XDRSyntaxError) -> XDREnum {
        let name = try identifier()
        try expect("{")
        var members: [XDREnumMember] = []
        while !check("}") {
            let comment = peek.comment
            let member = try identifier()
            try expect("=")
            members.append(XDREnumMember(name: member, value: try value(), comment: comment))
            if !accept(",") { break }
        }
        try expect("}")
        return XDREnum(name: name, members: members)
    }

    private mutating func optionalVoidDeclaration() throws(XDRSyntaxError) -> XDRDeclaration? {
        if accept(word: "void") { return nil }
        return try declaration()
    }

    private mutating func declaration() throws(XDRSyntaxError) -> XDRDeclaration {
        let type = try typeSpecifier()
        if accept("*") {
            return XDRDeclaration(name: try identifier(), type: type, shape: .optional)
        }
        let name = try identifier()
        if accept("[") {
            let size = try value()
            try expect("]")
            return XDRDeclaration(name: name, type: type, shape: .fixedArray(size))
        }
        if accept("<") {
            if accept(">") { return XDRDeclaration(name: name, type: type, shape: .variableArray(nil)) }
            let bound = try value()
            try expect(">")
            return XDRDeclaration(name: name, type: type, shape: .variableArray(bound))
        }
        if type == .string { throw error("string '\(name)' needs a <bound>") }
        if type == .opaque { throw error("opaque '\(name)' needs [size] or <bound>") }
        return XDRDeclaration(name: name, type: type, shape: .scalar)
    }

    private mutating func typeSpecifier() throws(XDRSyntaxError) -> XDRTypeSpecifier {
        let word = try identifier()
        switch word {
        case "unsigned":
            if accept(word: "int") { return .unsignedInt }
            if accept(word: "hyper") { return .unsignedHyper }
            if accept(word: "char") { return .unsignedChar }
            if accept(word: "short") { return .unsignedShort }
            if accept(word: "long") { return .unsignedInt }
            return .unsignedInt
        case "int", "long": return .int
        case "hyper": return .hyper
        case "char": return .char
        case "short": return .short
        case "float": return .float
        case "double": return .double
        case "bool": return .bool
        case "string": return .string
        case "opaque": return .opaque
        case "struct", "union", "enum": return .named(try identifier())
        default: return .named(word)
        }
    }

    private mutating func value() throws(XDRSyntaxError) -> XDRValue {
        let negative = accept("-")
        let token = next()
        switch token.kind {
        case .number(let n): return .number(negative ? -n : n)
        case .identifier(let name) where !negative: return .identifier(name)
        default: throw error("expected a number or constant, found \(describe(token))", line: token.line)
        }
    }

    // MARK: Tokens

    private var peek: XDRToken { tokens[position] }

    private mutating func next() -> XDRToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func identifier() throws(XDRSyntaxError) -> String {
        let token = next()
        guard case .identifier(let name) = token.kind else {
            throw error("expected a name, found \(describe(token))", line: token.line)
        }
        return name
    }

    private func check(_ symbol: Character) -> Bool { peek.kind == .symbol(symbol) }

    private mutating func accept(_ symbol: Character) -> Bool {
        guard check(symbol) else { return false }
        position += 1
        return true
    }

    private mutating func accept(word: String) -> Bool {
        guard peek.kind == .identifier(word) else { return false }
        position += 1
        return true
    }

    private mutating func expect(_ symbol: Character) throws(XDRSyntaxError) {
        guard accept(symbol) else { throw error("expected '\(symbol)', found \(describe(peek))") }
    }

    private mutating func expectWord(_ word: String) throws(XDRSyntaxError) {
        guard accept(word: word) else { throw error("expected '\(word)', found \(describe(peek))") }
    }

    private func describe(_ token: XDRToken) -> String {
        switch token.kind {
        case .identifier(let s): "'\(s)'"
        case .number(let n): "\(n)"
        case .symbol(let c): "'\(c)'"
        case .end: "end of file"
        }
    }

    private func error(_ message: String, line: Int? = nil) -> XDRSyntaxError {
        XDRSyntaxError(location: XDRLocation(file: file, line: line ?? peek.line), message: message)
    }
}
