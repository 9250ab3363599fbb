/// The parsed form of an XDR protocol definition (RFC 4506 §6, the subset rpcgen-style `.x` files use), plus the
/// comment that preceded each definition, where libvirt keeps its procedure annotations.
public struct XDRSpecification: Sendable, Equatable {
    public var definitions: [XDRDefinition]
    public init(definitions: [XDRDefinition]) { self.definitions = definitions }
}

public enum XDRDefinition: Sendable, Equatable {
    case constant(XDRConstant)
    case typedef(XDRDeclaration)
    case structure(XDRStruct)
    case union(XDRUnion)
    case enumeration(XDREnum)

    public var name: String {
        switch self {
        case .constant(let c): c.name
        case .typedef(let d): d.name
        case .structure(let s): s.name
        case .union(let u): u.name
        case .enumeration(let e): e.name
        }
    }
}

/// A number as written, or the name of a constant (possibly one the `.x` file takes from a C header).
public enum XDRValue: Sendable, Equatable {
    case number(Int)
    case identifier(String)
}

public struct XDRConstant: Sendable, Equatable {
    public var name: String
    public var value: XDRValue
}

/// The type before the name in a declaration.
public enum XDRTypeSpecifier: Sendable, Equatable {
    case int, unsignedInt, hyper, unsignedHyper
    case char, unsignedChar, short, unsignedShort
    case float, double, bool
    case string, opaque
    case named(String)
}

/// What surrounds the name: `T x`, `T *x`, `T x[N]`, `T x<N>` (nil bound: unbounded).
public enum XDRShape: Sendable, Equatable {
    case scalar
    case optional
    case fixedArray(XDRValue)
    case variableArray(XDRValue?)
}

public struct XDRDeclaration: Sendable, Equatable {
    public var name: String
    public var type: XDRTypeSpecifier
    public var shape: XDRShape
}

public struct XDRStruct: Sendable, Equatable {
    public var name: String
    public var fields: [XDRDeclaration]
}

public struct XDRUnionArm: Sendable, Equatable {
    public var labels: [XDRValue]
    /// nil for `void`.
    public var declaration: XDRDeclaration?
}

public struct XDRUnion: Sendable, Equatable {
    public var name: String
    public var discriminant: XDRDeclaration
    public var arms: [XDRUnionArm]
    /// `default:` arm; `.some(nil)` is `default: void`.
    public var defaultArm: XDRDeclaration??
}

public struct XDREnumMember: Sendable, Equatable {
    public var name: String
    public var value: XDRValue
    /// The `/** ... */` comment just before the member (libvirt's `@generate`, `@priority`, `@acl` ...).
    public var comment: String?
}

public struct XDREnum: Sendable, Equatable {
    public var name: String
    public var members: [XDREnumMember]
}
