/// How `.x` names become Swift names. Type names keep the words of the C name (`remote_domain_get_xml_desc_args`
/// → `DomainGetXmlDescArgs`); procedure descriptors use libvirt's own API spelling (`DomainGetXMLDesc`), made by
/// the same word rules libvirt's dispatch generator applies, so `"vir" + name` is the public function.
enum SwiftNaming {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer",
        "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where",
        "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
    ]

    /// `nonnull_domain` → `NonnullDomain`: each word's first letter upper-cased, the rest kept.
    static func upperCamel(_ snake: String) -> String {
        snake.split(separator: "_").map { word in word.prefix(1).uppercased() + word.dropFirst() }.joined()
    }

    /// `xml_desc` → `xmlDesc`; `callbackID` stays.
    static func lowerCamel(_ snake: String) -> String {
        let parts = snake.split(separator: "_")
        guard let first = parts.first else { return snake }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// `DOMAIN_GET_XML_DESC` → `domainGetXmlDesc` (enum cases).
    static func lowerCamelFromUpper(_ upper: String) -> String {
        let words = upper.split(separator: "_").map { $0.lowercased() }
        guard let first = words.first else { return upper.lowercased() }
        return first + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A field or case name that is safe in Swift.
    static func identifier(_ name: String) -> String {
        keywords.contains(name) ? "`\(name)`" : name
    }

    /// libvirt's procedure name for `DOMAIN_GET_XML_DESC`: `DomainGetXMLDesc`.
    static func procedureName(_ upper: String) -> String {
        upper.split(separator: "_").map { word in
            let lower = word.lowercased()
            return fixup(lower.prefix(1).uppercased() + lower.dropFirst())
        }.joined()
    }

    /// The public API function of a procedure: `vir` + its name, with the program's name after `Domain` for the
    /// QEMU and LXC programs (`virDomainQemuMonitorCommand`, `virDomainLxcOpenNamespace`), and without `Callback`
    /// for the event registrations that carry callback ids on the wire (`virConnectDomainEventRegisterAny`).
    static func apiName(procedure: String, programWord: String?) -> String {
        var name = procedure
        if let word = programWord {
            for head in ["Domain", "ConnectDomain"] where name.hasPrefix(head) {
                name = head + word + name.dropFirst(head.count)
                break
            }
        }
        for (wire, api) in [("EventCallbackRegisterAny", "EventRegisterAny"), ("EventCallbackDeregisterAny", "EventDeregisterAny")]
        where name.hasSuffix(wire) {
            name = String(name.dropLast(wire.count)) + api
        }
        return "vir" + name
    }

    /// The per-word spellings libvirt's API uses where a word is an acronym.
    private static func fixup(_ word: String) -> String {
        switch word {
        case "Nwfilter": return "NWFilter"
        case "Xml": return "XML"
        case "Xml2": return "XML2"
        case "Uri": return "URI"
        case "Uuid": return "UUID"
        case "Id": return "ID"
        case "Mac": return "MAC"
        case "Cpu": return "CPU"
        case "Os": return "OS"
        case "Nmi": return "NMI"
        case "Fstrim": return "FSTrim"
        case "Fsfreeze": return "FSFreeze"
        case "Fsthaw": return "FSThaw"
        case "Fsinfo": return "FSInfo"
        case "Iothread": return "IOThread"
        case "Wwn": return "WWN"
        case "Dhcp": return "DHCP"
        // Not in libvirt's generator, whose stubs for these two are hand-written under the public names.
        case "Ssh": return "SSH"
        case "Fd": return "FD"
        default: break
        }
        if word.hasPrefix("Pm") { return "PM" + word.dropFirst(2) }
        if word.hasPrefix("Scsi") { return "SCSI" + word.dropFirst(4) }
        return word
    }

    /// The longest `_`-ended prefix all names share (`REMOTE_AUTH_NONE`, `REMOTE_AUTH_SASL` → `REMOTE_AUTH_`).
    static func commonWordPrefix(_ names: [String]) -> String {
        guard var prefix = names.first, names.count > 1 else {
            guard let only = names.first, let cut = only.lastIndex(of: "_") else { return "" }
            return String(only[...cut])
        }
        for name in names.dropFirst() {
            while !name.hasPrefix(prefix) { prefix.removeLast() }
        }
        guard let cut = prefix.lastIndex(of: "_") else { return "" }
        return String(prefix[...cut])
    }
}
