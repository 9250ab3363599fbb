/// What a secret is for (virSecretUsageType) and the id that names that use: a volume path, a Ceph or TLS or vTPM
/// name, an iSCSI target.
public enum SecretUsageType: Int32, Sendable, CaseIterable {
    case none = 0
    case volume = 1
    case ceph = 2
    case iscsi = 3
    case tls = 4
    case vtpm = 5

    /// The `type` attribute's word.
    public var word: String {
        switch self {
        case .none: "none"
        case .volume: "volume"
        case .ceph: "ceph"
        case .iscsi: "iscsi"
        case .tls: "tls"
        case .vtpm: "vtpm"
        }
    }

    /// The child element of `<usage>` that carries the id; nil for `none`.
    var idElement: String? {
        switch self {
        case .none: nil
        case .volume: "volume"
        case .ceph, .tls, .vtpm: "name"
        case .iscsi: "target"
        }
    }

    /// libvirt's words when the id is missing.
    var missingID: String {
        switch self {
        case .none: ""
        case .volume: "volume usage specified, but volume path is missing"
        case .ceph: "Ceph usage specified, but name is missing"
        case .iscsi: "iSCSI usage specified, but target is missing"
        case .tls: "TLS usage specified, but name is missing"
        case .vtpm: "vTPM usage specified, but name is missing"
        }
    }
}

/// A secret's definition (`<secret>`): its value is kept apart, by the secret driver.
public struct SecretDefinition: Sendable, Equatable {
    public var uuid: DomainUUID
    public var ephemeral = false
    public var isPrivate = false
    public var description: String?
    public var usageType: SecretUsageType = .none
    /// nil for usage `none` (and without `<usage>`).
    public var usageID: String?

    public init(uuid: DomainUUID) { self.uuid = uuid }
}

/// libvirt secret XML, read with the checks of libvirt 9.0's secret parser (in its order, codes and words) and
/// printed as libvirt prints it.
public enum SecretXML {
    /// Parses `<secret>` text; a missing `<uuid>` gets a random one.
    public static func parse(_ text: String) throws(VirtError) -> SecretDefinition {
        let root = try self.root(text)
        func yesNo(_ name: String) throws(VirtError) -> Bool {
            switch nonEmpty(root[attribute: name]) {
            case nil, "no": return false
            case "yes": return true
            default: throw VirtError(.xmlError, domain: .secret, detail: "invalid value of '\(name)'")
            }
        }
        let ephemeral = try yesNo("ephemeral")
        let isPrivate = try yesNo("private")
        var def: SecretDefinition
        if let text = nonEmpty(root.childElements.first { $0.name == "uuid" }?.text) {
            guard let uuid = DomainUUID(string: text.trimmingWhitespace()) else {
                throw VirtError(.internalError, domain: .secret, detail: "malformed uuid element")
            }
            def = SecretDefinition(uuid: uuid)
        } else {
            def = SecretDefinition(uuid: .random())
        }
        def.ephemeral = ephemeral
        def.isPrivate = isPrivate
        def.description = nonEmpty(root.childElements.first { $0.name == "description" }?.text)
        if let usage = root.childElements.first(where: { $0.name == "usage" }) {
            guard let word = nonEmpty(usage[attribute: "type"]) else {
                throw VirtError(.xmlError, domain: .secret, detail: "unknown secret usage type")
            }
            guard let type = SecretUsageType.allCases.first(where: { $0.word == word }) else {
                throw VirtError(.configUnsupported, domain: .secret, detail: "unknown secret usage type \(word)")
            }
            def.usageType = type
            if let element = type.idElement {
                guard let id = nonEmpty(usage.childElements.first { $0.name == element }?.text) else {
                    throw VirtError(.internalError, domain: .secret, detail: type.missingID)
                }
                def.usageID = id
            }
        }
        return def
    }

    /// The document's `<secret>` root; malformed XML or another root is refused as libvirt's XML parser refuses it.
    public static func root(_ text: String) throws(VirtError) -> XMLElement {
        try XMLDocumentRoot.parse(text, root: "secret", name: "definition_of_secret")
    }

    /// As `virsh secret-dumpxml` prints it.
    public static func format(_ def: SecretDefinition) -> String {
        var out = "<secret ephemeral='\(def.ephemeral ? "yes" : "no")' private='\(def.isPrivate ? "yes" : "no")'>\n"
        out += "  <uuid>\(def.uuid)</uuid>\n"
        if let d = def.description { out += "  <description>\(escaped(d))</description>\n" }
        if def.usageType != .none {
            out += "  <usage type='\(def.usageType.word)'>\n"
            if let element = def.usageType.idElement, let id = def.usageID {
                out += "    <\(element)>\(escaped(id))</\(element)>\n"
            }
            out += "  </usage>\n"
        }
        return out + "</secret>\n"
    }

    /// Text as libvirt's virBufferEscapeString writes it: markup and quotes as entities, other controls but
    /// tab, newline and carriage return dropped.
    static func escaped(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default: if u.value >= 0x20 { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    /// libvirt's XPath string(): an absent or empty value is none.
    private static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}
