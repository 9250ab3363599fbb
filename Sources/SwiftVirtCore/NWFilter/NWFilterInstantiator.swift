/// One rule of an instantiated filter tree: its values are concrete (variables substituted), and it knows the
/// chain of the filter it came from.
public struct NWFilterInstanceRule: Sendable, Equatable {
    /// `root` or the filter's chain name (e.g. `mac`, `ipv4-ip`).
    public var chain: String
    public var chainPriority: Int
    public var rule: NWFilterRule
}

/// Walks a filter tree for one port, as libvirt's instantiation does: parameters flow down the `<filterref>`s (a
/// reference's own parameters win), `MAC` defaults to the port's address, and a rule whose attributes use list
/// variables becomes one rule per combination of values (variables of the same iterator advance together).
public struct NWFilterInstantiator {
    public let lookup: (String) -> NWFilterDefinition?

    public init(lookup: @escaping (String) -> NWFilterDefinition?) { self.lookup = lookup }

    static func error(_ code: VirtErrorCode, _ detail: String) -> VirtError {
        VirtError(code, domain: .nwfilter, detail: detail)
    }

    /// The variables the tree uses that neither the reference nor the port gives a value.
    public func missingVariables(_ ref: NWFilterReference, mac: MACAddress) throws(VirtError) -> [String] {
        var missing: [String] = []
        try collectMissing(ref.filter, vars: Self.variables(ref, mac: mac), into: &missing, depth: 0)
        return missing
    }

    private static func variables(_ ref: NWFilterReference, mac: MACAddress) -> [String: [String]] {
        var vars = Dictionary(ref.parameters.map { ($0.name, $0.values) }, uniquingKeysWith: { a, _ in a })
        if vars["MAC"] == nil { vars["MAC"] = [mac.description] }
        return vars
    }

    public func instantiate(_ ref: NWFilterReference, mac: MACAddress) throws(VirtError) -> [NWFilterInstanceRule] {
        let vars = Self.variables(ref, mac: mac)
        let missing = try missingVariables(ref, mac: mac)
        if !missing.isEmpty {
            throw Self.error(
                .internalError,
                "Cannot instantiate filter due to unresolvable variables or unavailable list elements: "
                    + missing.joined(separator: ", "))
        }
        var out: [NWFilterInstanceRule] = []
        try walk(ref.filter, vars: vars, into: &out, depth: 0)
        return out
    }

    /// The filters a tree uses, the top one first.
    public func filterNames(_ top: String) -> Set<String> {
        var seen: Set<String> = []
        var queue = [top]
        while let name = queue.popLast() {
            guard seen.insert(name).inserted, let def = lookup(name) else { continue }
            queue += def.references
        }
        return seen
    }

    private func definition(_ name: String) throws(VirtError) -> NWFilterDefinition {
        guard let def = lookup(name) else { throw Self.error(.internalError, "referenced filter '\(name)' is missing") }
        return def
    }

    private static func merged(_ vars: [String: [String]], _ ref: NWFilterReference) -> [String: [String]] {
        var v = vars
        for p in ref.parameters { v[p.name] = p.values }
        return v
    }

    private func collectMissing(_ name: String, vars: [String: [String]], into missing: inout [String], depth: Int)
        throws(VirtError)
    {
        guard depth < 64 else { return }
        for entry in try definition(name).entries {
            switch entry {
            case .rule(let r):
                for a in r.match?.attributes ?? [] {
                    guard case .variable(let v, _) = a.value, vars[v] == nil, !missing.contains(v) else { continue }
                    missing.append(v)
                }
            case .reference(let ref):
                try collectMissing(ref.filter, vars: Self.merged(vars, ref), into: &missing, depth: depth + 1)
            }
        }
    }

    private func walk(_ name: String, vars: [String: [String]], into out: inout [NWFilterInstanceRule], depth: Int)
        throws(VirtError)
    {
        guard depth < 64 else { return }
        let def = try definition(name)
        for entry in def.entries {
            switch entry {
            case .rule(let r):
                for rule in try Self.expand(r, vars: vars) {
                    out.append(NWFilterInstanceRule(chain: def.chain, chainPriority: def.chainPriority, rule: rule))
                }
            case .reference(let ref):
                try walk(ref.filter, vars: Self.merged(vars, ref), into: &out, depth: depth + 1)
            }
        }
    }

    /// The rule once per combination of its list variables' values.
    static func expand(_ rule: NWFilterRule, vars: [String: [String]]) throws(VirtError) -> [NWFilterRule] {
        guard let match = rule.match else { return [rule] }
        // Iterators: id -> the variables it drives (in order of first use).
        var iterators: [(id: Int, names: [String])] = []
        for a in match.attributes {
            guard case .variable(let name, let access) = a.value, !access.hasPrefix("[") || access.hasPrefix("[@")
            else { continue }
            let id = access.isEmpty ? 0 : Int(access.dropFirst(2).dropLast()) ?? 0
            if let i = iterators.firstIndex(where: { $0.id == id }) {
                if !iterators[i].names.contains(name) { iterators[i].names.append(name) }
            } else {
                iterators.append((id, [name]))
            }
        }
        var counts: [Int] = []
        for it in iterators {
            let sizes = Set(it.names.map { vars[$0]?.count ?? 0 })
            guard sizes.count == 1, let n = sizes.first else {
                throw error(
                    .internalError,
                    "Cardinality of list items must be the same for processing them in parallel")
            }
            counts.append(n)
        }
        var out: [NWFilterRule] = []
        var index = Array(repeating: 0, count: counts.count)
        if counts.contains(0) { return [] }
        while true {
            var r = rule
            var m = match
            for i in m.attributes.indices {
                guard case .variable(let name, let access) = m.attributes[i].value else { continue }
                let values = vars[name] ?? []
                let pick: Int
                if access.hasPrefix("[@") || access.isEmpty {
                    let id = access.isEmpty ? 0 : Int(access.dropFirst(2).dropLast()) ?? 0
                    pick = index[iterators.firstIndex { $0.id == id }!]
                } else {
                    pick = Int(access.dropFirst().dropLast()) ?? 0
                }
                guard pick < values.count else {
                    throw error(
                        .internalError,
                        "Cannot instantiate filter due to unresolvable variables or unavailable list elements: \(name)\(access)")
                }
                let kind = NWFilterAttributes.specs(m.proto).first { $0.name == m.attributes[i].name }?.kind ?? .opaque
                guard let v = NWFilterValueReader.read(values[pick], as: kind), !isVariable(v) else {
                    throw error(.internalError, "\(m.attributes[i].name) has illegal value \(values[pick])")
                }
                m.attributes[i].value = v
            }
            r.match = m
            out.append(r)
            // Next combination (odometer).
            var k = counts.count - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < counts[k] { break }
                index[k] = 0
                k -= 1
            }
            if k < 0 { break }
        }
        return out
    }

    private static func isVariable(_ v: NWFilterValue) -> Bool {
        if case .variable = v { return true }
        return false
    }
}
