/// A declaration's type with every typedef resolved: what the emitter needs to pick a Swift type and its coder.
indirect enum WireType: Equatable {
    case int32, uint32, int64, uint64, bool, double, float
    /// `char`, `unsigned char`, `short`, `unsigned short`: Swift's narrow integers, each still a 4-byte XDR word.
    case int8, uint8, int16, uint16
    case string(limit: Bound)
    case fixedOpaque(Bound)
    case variableOpaque(limit: Bound)
    /// `char x[N]` / `char x<N>`: one 4-byte word per char.
    case fixedChars(Bound)
    case variableChars(limit: Bound)
    /// A struct or union of the specification: a Swift type conforming to `XDRCodable`.
    case codable(String)
    /// A value of an `enum`: carried as `Int32`, since libvirt's peers may send members newer than these files.
    case enumeration(String)
    case optional(WireType)
    case fixedArray(WireType, Bound)
    case variableArray(WireType, limit: Bound)

    /// A limit as the Swift source spells it (a generated constant, or a literal) and its value.
    struct Bound: Equatable {
        var swift: String
        var value: Int
    }

    var swiftType: String {
        switch self {
        case .int32, .enumeration: "Int32"
        case .uint32: "UInt32"
        case .int64: "Int64"
        case .uint64: "UInt64"
        case .bool: "Bool"
        case .double: "Double"
        case .float: "Float"
        case .int8: "Int8"
        case .uint8: "UInt8"
        case .int16: "Int16"
        case .uint16: "UInt16"
        case .string: "String"
        case .fixedOpaque, .variableOpaque: "[UInt8]"
        case .fixedChars, .variableChars: "[Int8]"
        case .codable(let name): name
        case .optional(let wrapped): wrapped.swiftType + "?"
        case .fixedArray(let element, _), .variableArray(let element, _): "[\(element.swiftType)]"
        }
    }

    /// Types whose `XDRCodable` conformance decodes them exactly as the declaration says, so arrays and optionals of
    /// them can use the generic coders. (A string's conformance is bounded by REMOTE_STRING_MAX.)
    func isPlainCodable(defaultStringLimit: Int) -> Bool {
        switch self {
        case .int32, .uint32, .int64, .uint64, .bool, .double, .codable, .enumeration: true
        case .string(let limit): limit.value == defaultStringLimit
        default: false
        }
    }
}
