extension NWFilterXML {
    /// As `virsh nwfilter-dumpxml` prints it.
    public static func format(_ def: NWFilterDefinition) -> String {
        var out = "<filter name='\(def.name)' chain='\(def.chain)'"
        if def.chainPriority != 0 { out += " priority='\(def.chainPriority)'" }
        out += ">\n  <uuid>\(def.uuid)</uuid>\n"
        for entry in def.entries {
            switch entry {
            case .rule(let r): out += format(r, indent: "  ")
            case .reference(let ref): out += format(ref, indent: "  ")
            }
        }
        return out + "</filter>\n"
    }

    /// `<filterref>` with its parameters (a list as one `<parameter>` per value).
    public static func format(_ ref: NWFilterReference, indent: String) -> String {
        var out = "\(indent)<filterref filter='\(ref.filter)'"
        guard !ref.parameters.isEmpty else { return out + "/>\n" }
        out += ">\n"
        for p in ref.parameters {
            for v in p.values { out += "\(indent)  <parameter name='\(p.name)' value='\(v)'/>\n" }
        }
        return out + "\(indent)</filterref>\n"
    }

    static func format(_ r: NWFilterRule, indent: String) -> String {
        var out = "\(indent)<rule action='\(r.action.rawValue)' direction='\(r.direction.rawValue)' priority='\(r.priority)'"
        if r.noStateMatch { out += " statematch='false'" }
        guard let m = r.match else { return out + "/>\n" }
        out += ">\n"
        out += format(m, indent: indent + "  ")
        return out + "\(indent)</rule>\n"
    }

    /// The protocol element; attributes of both senses split it in two as libvirt's printer does: a change of
    /// sense closes the element and opens another.
    static func format(_ m: NWFilterMatch, indent: String) -> String {
        guard !m.attributes.isEmpty else { return "\(indent)<\(m.proto.rawValue)/>\n" }
        var out = ""
        var open = false
        var sense: Bool?
        let kinds = Dictionary(NWFilterAttributes.specs(m.proto).map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        var i = 0
        while i < m.attributes.count {
            let a = m.attributes[i]
            if !open {
                out += "\(indent)<\(m.proto.rawValue)"
                open = true
            }
            if let s = sense, s != a.negated {
                out += "/>\n"
                open = false
                sense = nil
                continue
            }
            if a.negated && sense == nil { out += " match='no'" }
            sense = a.negated
            out += " \(a.name)='\(text(a.value, kind: kinds[a.name] ?? .opaque))'"
            i += 1
        }
        if open { out += "/>\n" }
        return out
    }

    /// An attribute's value as libvirt prints it.
    public static func text(_ v: NWFilterValue, kind: NWFilterAttributeKind) -> String {
        switch v {
        case .variable(let name, let access): return "$\(name)\(access)"
        case .number(let n, let hex):
            let table: [(String, UInt32)]
            switch kind {
            case .etherType: table = NWFilterAttributes.etherTypes
            case .arpOpcode: table = NWFilterAttributes.arpOpcodes
            case .ipProtocol: table = NWFilterAttributes.ipProtocols
            default: table = []
            }
            if let name = table.first(where: { $0.1 == n })?.0 { return name }
            if case .arpOpcode = kind { return String(n) }
            return hex ? "0x" + String(n, radix: 16) : String(n)
        case .mac(let m): return m.description
        case .ip(let a): return a.description
        case .prefix(let p): return String(p)
        case .text(let s): return SecretXML.escaped(s)
        case .boolean(let b): return b ? "true" : "false"
        }
    }
}
