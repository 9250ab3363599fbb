/// One `.x` file and how its names map into Swift.
public struct ProtocolSource: Sendable {
    /// File name as given to the generator (used in comments and errors).
    public var fileName: String
    public var specification: XDRSpecification
    /// The C prefix of the file's names: `remote`, `qemu`, `lxc`, `keepalive`.
    public var prefix: String
    /// Swift namespace of the procedure descriptors: `Remote`, `Qemu`, ...
    public var namespace: String
    /// Message structs (`_args`, `_ret`, `_msg`) lose the prefix (`remote_domain_create_args` → `DomainCreateArgs`);
    /// true for the main program only, so the smaller programs' names cannot collide with it.
    public var messagesDropPrefix: Bool
    /// Every procedure travels as a MESSAGE (the keepalive program's ping and pong).
    public var proceduresAreMessages: Bool

    public init(
        fileName: String, specification: XDRSpecification, prefix: String, namespace: String,
        messagesDropPrefix: Bool, proceduresAreMessages: Bool = false
    ) {
        self.fileName = fileName
        self.specification = specification
        self.prefix = prefix
        self.namespace = namespace
        self.messagesDropPrefix = messagesDropPrefix
        self.proceduresAreMessages = proceduresAreMessages
    }
}

public struct GeneratedFile: Sendable, Equatable {
    public var name: String
    public var contents: String
}

public struct GeneratorError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
    init(_ description: String) { self.description = description }
}

/// Turns parsed `.x` files into Swift: constants, typedef aliases, enums, unions and structs conforming to
/// `XDRCodable`, each program's procedure enum, and one `WireProcedure` descriptor per procedure pairing its number
/// with its argument and reply types. The output depends only on the input, so it can be committed and checked.
public struct SwiftWireGenerator {
    public var sources: [ProtocolSource]
    /// Values of constants the `.x` files take from C headers (`VIR_UUID_BUFLEN`, `VIR_TYPED_PARAM_INT`, ...).
    public var externalConstants: [String: Int]
    /// Comment lines put at the top of every file.
    public var header: [String]
    /// Public API functions that refuse read-only connections (see `ReadOnlyChecks`).
    public var readOnlyRefused: Set<String>
    /// Message structs per file, so no single file dominates a build.
    public var messagesPerFile = 160
    /// Modules each file imports (none for SwiftVirtWire itself, which holds the output).
    public var imports: [String] = []

    public init(
        sources: [ProtocolSource], externalConstants: [String: Int], readOnlyRefused: Set<String>, header: [String]
    ) {
        self.sources = sources
        self.externalConstants = externalConstants
        self.readOnlyRefused = readOnlyRefused
        self.header = header
    }

    struct Symbol {
        var definition: XDRDefinition
        var source: ProtocolSource
    }

    public func generate() throws(GeneratorError) -> [GeneratedFile] {
        var symbols: [String: Symbol] = [:]
        for source in sources {
            for definition in source.specification.definitions {
                if symbols[definition.name] != nil {
                    throw GeneratorError("\(source.fileName): '\(definition.name)' is defined twice")
                }
                symbols[definition.name] = Symbol(definition: definition, source: source)
            }
        }
        let context = EmitContext(symbols: symbols, externalConstants: externalConstants)
        var files: [GeneratedFile] = []
        for source in sources {
            files += try emit(source, context)
        }
        return files
    }

    /// The comment lines, then the imports.
    private var fileHeader: [String] {
        let comments = header.map { $0.isEmpty ? "//" : "// " + $0 }
        guard !imports.isEmpty else { return comments }
        return comments + (comments.isEmpty ? [] : [""]) + imports.map { "import " + $0 }
    }

    private func emit(_ source: ProtocolSource, _ context: EmitContext) throws(GeneratorError) -> [GeneratedFile] {
        let header = fileHeader
        let base = source.namespace + "Protocol"
        var types = SwiftSource(header: header)
        var messages: [String] = []
        var procedures = SwiftSource(header: header)

        let constants = source.specification.definitions.compactMap { d -> XDRConstant? in
            if case .constant(let c) = d { return c }
            return nil
        }
        if !constants.isEmpty {
            types.line("/// The constants of `\(source.fileName)`.")
            types.line("public enum \(base) {")
            for constant in constants {
                let value = try context.value(of: .identifier(constant.name))
                types.line("    /// `\(constant.name)`")
                types.line("    public static let \(context.constantSwiftName(constant.name)): Int = \(value)")
            }
            types.line("}")
        }
        for definition in source.specification.definitions {
            switch definition {
            case .constant:
                break
            case .typedef(let declaration):
                let wire = try context.resolve(declaration)
                types.blank()
                types.line("/// `typedef` \(declaration.name)")
                types.line("public typealias \(context.typeName(declaration.name)) = \(wire.swiftType)")
            case .enumeration(let e):
                if e.name.hasSuffix("_procedure") {
                    try emitProcedures(e, source, context, into: &procedures)
                } else {
                    types.blank()
                    try emitEnum(e, context, into: &types)
                }
            case .union(let u):
                types.blank()
                try emitUnion(u, context, into: &types)
            case .structure(let s):
                var out = SwiftSource(header: [])
                try emitStruct(s, context, into: &out)
                if context.isMessage(s.name) {
                    messages.append(out.text)
                } else {
                    types.blank()
                    types.append(out.text)
                }
            }
        }

        var files: [GeneratedFile] = []
        if !types.isEmpty { files.append(GeneratedFile(name: "\(base)+Types.swift", contents: types.finished)) }
        var chunkIndex = 1
        var chunk: [String] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            var out = SwiftSource(header: header)
            for (i, text) in chunk.enumerated() {
                if i > 0 { out.blank() }
                out.append(text)
            }
            files.append(GeneratedFile(name: "\(base)+Messages\(chunkIndex).swift", contents: out.finished))
            chunkIndex += 1
            chunk = []
        }
        for message in messages {
            chunk.append(message)
            if chunk.count == messagesPerFile { flush() }
        }
        flush()
        if !procedures.isEmpty {
            files.append(GeneratedFile(name: "\(base)+Procedures.swift", contents: procedures.finished))
        }
        return files
    }

    // MARK: Definitions

    private func emitEnum(_ e: XDREnum, _ context: EmitContext, into out: inout SwiftSource) throws(GeneratorError) {
        let prefix = SwiftNaming.commonWordPrefix(e.members.map(\.name))
        out.line("/// `enum \(e.name)`")
        out.line("public enum \(context.typeName(e.name)): Int32, Sendable, CaseIterable {")
        for member in e.members {
            let value = try context.value(of: member.value)
            let name = SwiftNaming.identifier(SwiftNaming.lowerCamelFromUpper(String(member.name.dropFirst(prefix.count))))
            out.line("    case \(name) = \(value)")
        }
        out.line("}")
    }

    private func emitUnion(_ u: XDRUnion, _ context: EmitContext, into out: inout SwiftSource) throws(GeneratorError) {
        let typeName = context.typeName(u.name)
        if u.defaultArm != nil { throw GeneratorError("union \(u.name): a default arm is not supported") }
        let discriminant = try context.resolve(u.discriminant)
        let discriminantType: String
        switch discriminant {
        case .int32, .enumeration: discriminantType = "Int32"
        case .uint32: discriminantType = "UInt32"
        default: throw GeneratorError("union \(u.name): discriminant must be int, unsigned int or an enum")
        }
        var labelNames: [String] = []
        for arm in u.arms {
            guard arm.labels.count == 1 else {
                throw GeneratorError("union \(u.name): an arm with several case labels is not supported")
            }
            if case .identifier(let name) = arm.labels[0] { labelNames.append(name) }
        }
        let prefix = labelNames.count == u.arms.count ? SwiftNaming.commonWordPrefix(labelNames) : ""
        struct Arm {
            var caseName: String
            var value: Int
            var wire: WireType?
        }
        var arms: [Arm] = []
        for arm in u.arms {
            let label = arm.labels[0]
            let value = try context.value(of: label)
            let caseName: String
            switch label {
            case .identifier(let name):
                caseName = SwiftNaming.identifier(SwiftNaming.lowerCamelFromUpper(String(name.dropFirst(prefix.count))))
            case .number(let n):
                caseName = n < 0 ? "valueMinus\(-n)" : "value\(n)"
            }
            arms.append(Arm(caseName: caseName, value: value, wire: try arm.declaration.map { d throws(GeneratorError) in try context.resolve(d) }))
        }
        out.line("/// `union \(u.name) switch (\(discriminantType) \(u.discriminant.name))`")
        out.line("public enum \(typeName): XDRCodable, Hashable {")
        for arm in arms {
            if let wire = arm.wire {
                out.line("    case \(arm.caseName)(\(wire.swiftType))")
            } else {
                out.line("    case \(arm.caseName)")
            }
        }
        out.blank()
        out.line("    public init(from decoder: inout XDRDecoder) throws(XDRError) {")
        out.line("        let discriminant = try decoder.decode(\(discriminantType).self)")
        out.line("        switch discriminant {")
        for arm in arms {
            if let wire = arm.wire {
                out.line("        case \(arm.value): self = .\(arm.caseName)(\(context.decode(wire, from: "decoder", depth: 0)))")
            } else {
                out.line("        case \(arm.value): self = .\(arm.caseName)")
            }
        }
        let shown = discriminantType == "Int32" ? "discriminant" : "Int32(bitPattern: discriminant)"
        out.line("        default: throw .invalidDiscriminant(what: \"\(u.name)\", value: \(shown))")
        out.line("        }")
        out.line("    }")
        out.blank()
        out.line("    public func encode(to encoder: inout XDREncoder) {")
        out.line("        switch self {")
        for arm in arms {
            if let wire = arm.wire {
                out.line("        case .\(arm.caseName)(let value):")
                out.line("            encoder.encode(\(discriminantType)(\(arm.value)))")
                out.line("            \(context.encode(wire, value: "value", to: "encoder", depth: 0))")
            } else {
                out.line("        case .\(arm.caseName):")
                out.line("            encoder.encode(\(discriminantType)(\(arm.value)))")
            }
        }
        out.line("        }")
        out.line("    }")
        out.line("}")
    }

    private func emitStruct(_ s: XDRStruct, _ context: EmitContext, into out: inout SwiftSource) throws(GeneratorError) {
        let typeName = context.typeName(s.name)
        let conformances = context.isMessage(s.name) ? "XDRCodable, Equatable" : "XDRCodable, Hashable"
        let fields = try s.fields.map { f throws(GeneratorError) in
            (name: SwiftNaming.identifier(SwiftNaming.lowerCamel(f.name)), wire: try context.resolve(f))
        }
        out.line("/// `struct \(s.name)`")
        out.line("public struct \(typeName): \(conformances) {")
        for field in fields {
            out.line("    public var \(field.name): \(field.wire.swiftType)")
        }
        out.blank()
        let parameters = fields.map { "\($0.name): \($0.wire.swiftType)" }.joined(separator: ", ")
        out.line("    public init(\(parameters)) {")
        for field in fields {
            out.line("        self.\(field.name) = \(field.name)")
        }
        out.line("    }")
        out.blank()
        out.line("    public init(from decoder: inout XDRDecoder) throws(XDRError) {")
        for field in fields {
            out.line("        \(field.name) = \(context.decode(field.wire, from: "decoder", depth: 0))")
        }
        out.line("    }")
        out.blank()
        out.line("    public func encode(to encoder: inout XDREncoder) {")
        for field in fields {
            out.line("        \(context.encode(field.wire, value: field.name, to: "encoder", depth: 0))")
        }
        out.line("    }")
        out.line("}")
    }

    // MARK: Procedures

    private func emitProcedures(
        _ e: XDREnum, _ source: ProtocolSource, _ context: EmitContext, into out: inout SwiftSource
    ) throws(GeneratorError) {
        let enumPrefix = String(e.name.dropLast("_procedure".count))
        let programConstant = enumPrefix.uppercased() + "_PROGRAM"
        let versionConstant = enumPrefix.uppercased() + "_PROTOCOL_VERSION"
        let program = try context.value(of: .identifier(programConstant))
        let version = try context.value(of: .identifier(versionConstant))
        let memberPrefix = enumPrefix.uppercased() + "_PROC_"
        let enumName = context.typeName(e.name)
        let ns = source.namespace

        out.line("/// The procedure numbers of `enum \(e.name)`.")
        out.line("public enum \(enumName): Int32, Sendable, CaseIterable {")
        for member in e.members {
            guard member.name.hasPrefix(memberPrefix) else {
                throw GeneratorError("\(e.name): member \(member.name) does not start with \(memberPrefix)")
            }
            let caseName = SwiftNaming.identifier(SwiftNaming.lowerCamelFromUpper(String(member.name.dropFirst(memberPrefix.count))))
            out.line("    case \(caseName) = \(try context.value(of: member.value))")
        }
        out.line("}")
        out.blank()
        out.line("/// One descriptor per procedure of `\(source.fileName)`: its number, argument and reply types, and libvirt's")
        out.line("/// annotations. Calls and handlers are typed by these, so a procedure cannot be paired with the wrong type.")
        out.line("public enum \(ns): WireProgramDescriptor {")
        out.line("    public static let program: UInt32 = \(hex(program))")
        out.line("    public static let version: UInt32 = \(version)")
        out.blank()
        out.line("    /// The descriptor of a procedure number, nil for a number the program does not define.")
        out.line("    public static func procedure(_ number: Int32) -> (any WireProcedure.Type)? {")
        out.line("        switch number {")
        var descriptors: [(name: String, number: Int, member: XDREnumMember, rest: String)] = []
        for member in e.members {
            let rest = String(member.name.dropFirst(memberPrefix.count))
            descriptors.append((SwiftNaming.procedureName(rest), try context.value(of: member.value), member, rest))
        }
        for d in descriptors {
            out.line("        case \(d.number): return \(d.name).self")
        }
        out.line("        default: return nil")
        out.line("        }")
        out.line("    }")
        out.blank()
        out.line("    /// Every procedure, in number order.")
        out.line("    public static let all: [any WireProcedure.Type] = [")
        for d in descriptors.sorted(by: { $0.number < $1.number }) {
            out.line("        \(d.name).self,")
        }
        out.line("    ]")
        out.line("}")
        for d in descriptors {
            let lower = enumPrefix + "_" + d.rest.lowercased()
            let args = context.symbols[lower + "_args"] != nil ? context.typeName(lower + "_args") : nil
            let ret = context.symbols[lower + "_ret"] != nil ? context.typeName(lower + "_ret") : nil
            let msg = context.symbols[lower + "_msg"] != nil ? context.typeName(lower + "_msg") : nil
            if msg != nil && (args != nil || ret != nil) {
                throw GeneratorError("\(d.member.name) has both a message and call structs")
            }
            let notes = ProcedureAnnotations(comment: d.member.comment)
            let api = SwiftNaming.apiName(procedure: d.name, programWord: source.messagesDropPrefix ? nil : source.namespace)
            let readOnly = readOnlyRefused.contains(api) ? ".refused" : ".allowed"
            let kind = (msg != nil || source.proceduresAreMessages) ? ".message" : ".call"
            let stream = notes.readStream ? ".read" : notes.writeStream ? ".write" : ".none"
            out.blank()
            out.line("extension \(ns) {")
            out.line("    /// `\(d.member.name)` = \(d.number): \(api).")
            out.line("    public enum \(d.name): WireProcedure {")
            out.line("        public typealias Args = \(msg ?? args ?? "XDRVoid")")
            out.line("        public typealias Ret = \(ret ?? "XDRVoid")")
            out.line("        public static let info = ProcedureInfo(")
            out.line("            program: \(hex(program)), number: \(d.number), name: \"\(d.member.name)\", api: \"\(api)\",")
            out.line(
                "            priority: \(notes.priorityHigh ? ".high" : ".low"), kind: \(kind), stream: \(stream), readOnly: \(readOnly),")
            out.line("            acl: \(lines(notes.acl)), aclFilter: \(lines(notes.aclFilter)))")
            out.line("    }")
            out.line("}")
        }
    }

    private func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// A static string literal holding the items one per line.
    private func lines(_ items: [String]) -> String {
        "\"" + items.joined(separator: "\\n") + "\""
    }
}
