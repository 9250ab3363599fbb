/// Name resolution and coder expressions shared by every file the generator writes.
struct EmitContext {
    let symbols: [String: SwiftWireGenerator.Symbol]
    let externalConstants: [String: Int]

    /// REMOTE_STRING_MAX: the bound `String`'s own `XDRCodable` conformance applies.
    var defaultStringLimit: Int { (try? value(of: .identifier("REMOTE_STRING_MAX"))) ?? 4_194_304 }

    func isMessage(_ name: String) -> Bool {
        name.hasSuffix("_args") || name.hasSuffix("_ret") || name.hasSuffix("_msg")
    }

    /// The Swift name of a typedef, enum, union or struct of the specification.
    func typeName(_ name: String) -> String {
        guard let source = symbols[name]?.source else { return SwiftNaming.upperCamel(name) }
        if source.messagesDropPrefix && isMessage(name) && name.hasPrefix(source.prefix + "_") {
            return SwiftNaming.upperCamel(String(name.dropFirst(source.prefix.count + 1)))
        }
        return SwiftNaming.upperCamel(name)
    }

    func constantSwiftName(_ name: String) -> String {
        SwiftNaming.lowerCamelFromUpper(name)
    }

    func value(of value: XDRValue) throws(GeneratorError) -> Int {
        switch value {
        case .number(let n):
            return n
        case .identifier(let name):
            if let symbol = symbols[name], case .constant(let constant) = symbol.definition {
                return try self.value(of: constant.value)
            }
            if let external = externalConstants[name] { return external }
            if let member = enumMember(name) { return try self.value(of: member.value) }
            throw GeneratorError("unknown constant '\(name)' (a C header's constant must be given to the generator)")
        }
    }

    private func enumMember(_ name: String) -> XDREnumMember? {
        for symbol in symbols.values {
            if case .enumeration(let e) = symbol.definition, let m = e.members.first(where: { $0.name == name }) {
                return m
            }
        }
        return nil
    }

    /// A bound as Swift spells it: the generated constant when the `.x` named one of its own, else the number.
    func bound(_ value: XDRValue?) throws(GeneratorError) -> WireType.Bound {
        guard let value else { return WireType.Bound(swift: "Int(UInt32.max)", value: Int(UInt32.max)) }
        let number = try self.value(of: value)
        if case .identifier(let name) = value, let symbol = symbols[name], case .constant = symbol.definition {
            return WireType.Bound(swift: symbol.source.namespace + "Protocol." + constantSwiftName(name), value: number)
        }
        return WireType.Bound(swift: String(number), value: number)
    }

    func resolve(_ declaration: XDRDeclaration) throws(GeneratorError) -> WireType {
        let what = "'\(declaration.name)'"
        switch declaration.type {
        case .string:
            guard case .variableArray(let limit) = declaration.shape else {
                throw GeneratorError("string \(what) must be declared with <bound>")
            }
            return .string(limit: try bound(limit))
        case .opaque:
            switch declaration.shape {
            case .fixedArray(let n): return .fixedOpaque(try bound(n))
            case .variableArray(let n): return .variableOpaque(limit: try bound(n))
            default: throw GeneratorError("opaque \(what) must be declared with [size] or <bound>")
            }
        case .char, .unsignedChar:
            switch declaration.shape {
            case .fixedArray(let n): return .fixedChars(try bound(n))
            case .variableArray(let n): return .variableChars(limit: try bound(n))
            default: return try shaped(declaration.type == .char ? .int8 : .uint8, declaration.shape)
            }
        case .int: return try shaped(.int32, declaration.shape)
        case .unsignedInt: return try shaped(.uint32, declaration.shape)
        case .hyper: return try shaped(.int64, declaration.shape)
        case .unsignedHyper: return try shaped(.uint64, declaration.shape)
        case .short: return try shaped(.int16, declaration.shape)
        case .unsignedShort: return try shaped(.uint16, declaration.shape)
        case .float: return try shaped(.float, declaration.shape)
        case .double: return try shaped(.double, declaration.shape)
        case .bool: return try shaped(.bool, declaration.shape)
        case .named(let name):
            guard let symbol = symbols[name] else { throw GeneratorError("\(what) has unknown type '\(name)'") }
            let base: WireType
            switch symbol.definition {
            case .typedef(let inner): base = try resolve(inner)
            case .structure, .union: base = .codable(typeName(name))
            case .enumeration: base = .enumeration(typeName(name))
            case .constant: throw GeneratorError("\(what): '\(name)' is a constant, not a type")
            }
            return try shaped(base, declaration.shape)
        }
    }

    private func shaped(_ base: WireType, _ shape: XDRShape) throws(GeneratorError) -> WireType {
        switch shape {
        case .scalar: return base
        case .optional: return .optional(base)
        case .fixedArray(let n): return .fixedArray(base, try bound(n))
        case .variableArray(let n): return .variableArray(base, limit: try bound(n))
        }
    }

    // MARK: Coders

    /// An expression that decodes `type` from the decoder variable `d`.
    func decode(_ type: WireType, from d: String, depth: Int) -> String {
        let inner = "d\(depth + 1)"
        let closure = "{ (\(inner): inout XDRDecoder) throws(XDRError) in "
        switch type {
        case .int32, .enumeration: return "try \(d).decode(Int32.self)"
        case .uint32: return "try \(d).decode(UInt32.self)"
        case .int64: return "try \(d).decode(Int64.self)"
        case .uint64: return "try \(d).decode(UInt64.self)"
        case .bool: return "try \(d).decode(Bool.self)"
        case .double: return "try \(d).decode(Double.self)"
        case .float: return "try \(d).decode(Float.self)"
        case .int8: return "Int8(truncatingIfNeeded: try \(d).decode(Int32.self))"
        case .uint8: return "UInt8(truncatingIfNeeded: try \(d).decode(UInt32.self))"
        case .int16: return "Int16(truncatingIfNeeded: try \(d).decode(Int32.self))"
        case .uint16: return "UInt16(truncatingIfNeeded: try \(d).decode(UInt32.self))"
        case .string(let limit): return "try \(d).decodeString(limit: \(limit.swift))"
        case .fixedOpaque(let n): return "try \(d).decodeFixedOpaque(count: \(n.swift))"
        case .variableOpaque(let limit): return "try \(d).decodeOpaque(limit: \(limit.swift))"
        case .fixedChars(let n): return "try \(d).decodeFixedChars(count: \(n.swift))"
        case .variableChars(let limit): return "try \(d).decodeChars(limit: \(limit.swift))"
        case .codable(let name): return "try \(name)(from: &\(d))"
        case .optional(let wrapped):
            if case .string(let limit) = wrapped { return "try \(d).decodeOptionalString(limit: \(limit.swift))" }
            if wrapped.isPlainCodable(defaultStringLimit: defaultStringLimit) {
                return "try \(d).decodeOptional(\(wrapped.swiftType).self)"
            }
            return "try \(d).decodeOptional \(closure)\(decode(wrapped, from: inner, depth: depth + 1)) }"
        case .variableArray(let element, let limit):
            if element.isPlainCodable(defaultStringLimit: defaultStringLimit) {
                return "try \(d).decodeArray(\(element.swiftType).self, limit: \(limit.swift))"
            }
            return "try \(d).decodeArray(limit: \(limit.swift)) \(closure)\(decode(element, from: inner, depth: depth + 1)) }"
        case .fixedArray(let element, let n):
            return "try \(d).decodeFixedArray(count: \(n.swift)) \(closure)\(decode(element, from: inner, depth: depth + 1)) }"
        }
    }

    /// A statement that encodes the value expression `v` of `type` into the encoder variable `e`.
    func encode(_ type: WireType, value v: String, to e: String, depth: Int) -> String {
        let innerEncoder = "e\(depth + 1)"
        let innerValue = "v\(depth + 1)"
        let closure = "{ (\(innerEncoder): inout XDREncoder, \(innerValue)) in "
        switch type {
        case .int32, .uint32, .int64, .uint64, .bool, .double, .float, .enumeration, .string:
            return "\(e).encode(\(v))"
        case .int8, .int16: return "\(e).encode(Int32(\(v)))"
        case .uint8, .uint16: return "\(e).encode(UInt32(\(v)))"
        case .fixedOpaque(let n): return "\(e).encodeFixedOpaque(\(v), count: \(n.swift))"
        case .variableOpaque: return "\(e).encodeOpaque(\(v))"
        case .fixedChars(let n): return "\(e).encodeFixedChars(\(v), count: \(n.swift))"
        case .variableChars: return "\(e).encodeCountedChars(\(v))"
        case .codable: return "\(v).encode(to: &\(e))"
        case .optional(let wrapped):
            if case .string = wrapped { return "\(e).encodeOptional(\(v))" }
            if wrapped.isPlainCodable(defaultStringLimit: defaultStringLimit) { return "\(e).encodeOptional(\(v))" }
            return "\(e).encodeOptional(\(v)) \(closure)\(encode(wrapped, value: innerValue, to: innerEncoder, depth: depth + 1)) }"
        case .variableArray(let element, _):
            if element.isPlainCodable(defaultStringLimit: defaultStringLimit) { return "\(e).encodeArray(\(v))" }
            return "\(e).encodeArray(\(v)) \(closure)\(encode(element, value: innerValue, to: innerEncoder, depth: depth + 1)) }"
        case .fixedArray(let element, let n):
            return "\(e).encodeFixedArray(\(v), count: \(n.swift)) \(closure)\(encode(element, value: innerValue, to: innerEncoder, depth: depth + 1)) }"
        }
    }
}

/// Lines of Swift with a header.
struct SwiftSource {
    private(set) var lines: [String] = []
    private let headerCount: Int

    /// `header` lines are written as they are (comments and imports).
    init(header: [String]) {
        lines = header
        if !lines.isEmpty { lines.append("") }
        headerCount = lines.count
    }

    var isEmpty: Bool { lines.count == headerCount }
    var text: String { lines.joined(separator: "\n") }
    var finished: String { text + "\n" }

    mutating func line(_ text: String) { lines.append(text) }
    mutating func blank() { if lines.count > headerCount { lines.append("") } }
    mutating func append(_ text: String) { lines.append(text) }
}
