import SwiftVirtCore

/// net-update of DNS TXT and SRV records, portgroups and the forward interface pool, with libvirt's matching rules
/// and words (virNetworkDefUpdateDNSTxt, ...DNSSrv, ...PortGroup, ...ForwardInterface).
extension NetworkUpdate {
    func applyDNSTXT(_ n: inout NetworkDefinition) throws {
        guard command != .modify else {
            throw NetworkError.unsupported("DNS TXT records cannot be modified, only added or deleted")
        }
        let entry = try NetworkXML.parseDNSTXT(xml, network: n.name)
        let found = n.dns.txts.firstIndex { $0.name == entry.name }
        if command == .delete {
            guard let found else {
                throw NetworkError.invalid("couldn't locate a matching DNS TXT record in network \(n.name)")
            }
            n.dns.txts.remove(at: found)
            return
        }
        if found != nil {
            throw NetworkError.invalid("there is already a DNS TXT record with name '\(entry.name)' in network \(n.name)")
        }
        if command == .addFirst { n.dns.txts.insert(entry, at: 0) } else { n.dns.txts.append(entry) }
    }

    /// A record matches when every field the fragment gives (domain, service, protocol, target) is equal.
    func applyDNSSRV(_ n: inout NetworkDefinition) throws {
        guard command != .modify else {
            throw NetworkError.unsupported("DNS SRV records cannot be modified, only added or deleted")
        }
        let entry = try NetworkXML.parseDNSSRV(xml, network: n.name, partial: command == .delete)
        let matching = n.dns.srvs.indices.filter { i in
            let s = n.dns.srvs[i]
            return (entry.domain == nil || entry.domain == s.domain)
                && (entry.service.isEmpty || entry.service == s.service)
                && (entry.protocol.isEmpty || entry.protocol == s.protocol)
                && (entry.target == nil || entry.target == s.target)
        }
        if command == .delete {
            guard let i = matching.first else {
                throw NetworkError.invalid("couldn't locate a matching DNS SRV record in network \(n.name)")
            }
            if matching.count > 1 {
                throw NetworkError.invalid(
                    "multiple DNS SRV records matching all specified fields were found in network \(n.name)")
            }
            n.dns.srvs.remove(at: i)
            return
        }
        if !matching.isEmpty {
            throw NetworkError.invalid(
                "there is already at least one DNS SRV record matching all specified fields in network \(n.name)")
        }
        if command == .addFirst { n.dns.srvs.insert(entry, at: 0) } else { n.dns.srvs.append(entry) }
    }

    func applyPortGroup(_ n: inout NetworkDefinition) throws {
        let entry = try NetworkXML.parsePortGroup(xml, network: n.name)
        let found = n.portGroups.firstIndex { $0.name == entry.name }
        let adding = command == .addFirst || command == .addLast
        if found == nil && !adding {
            throw NetworkError.invalid(
                "couldn't find a portgroup entry in network '\(n.name)' matching <portgroup name='\(entry.name)'>")
        }
        if found != nil && adding {
            throw NetworkError.invalid(
                "there is an existing portgroup entry in network '\(n.name)' that matches "
                    + "\"<portgroup name='\(entry.name)'>\"")
        }
        if command != .delete && entry.isDefault,
            let d = n.portGroups.firstIndex(where: \.isDefault), d != found
        {
            throw NetworkError.invalid(
                "a different portgroup entry in network '\(n.name)' is already set as the default. Only one default "
                    + "is allowed.")
        }
        switch command {
        case .modify: n.portGroups[found!] = entry
        case .delete: n.portGroups.remove(at: found!)
        case .addFirst: n.portGroups.insert(entry, at: 0)
        case .addLast: n.portGroups.append(entry)
        }
    }

    func applyForwardInterface(_ n: inout NetworkDefinition, connections: [String: Int]) throws {
        guard command != .modify else {
            throw NetworkError.unsupported("forward interface entries cannot be modified, only added or deleted")
        }
        let dev = try NetworkXML.parseForwardInterface(xml, network: n.name)
        var forward = n.forward ?? NetworkForward(mode: .nat)
        let found = forward.interfaces.firstIndex(of: dev)
        if command == .delete {
            guard let found else {
                throw NetworkError.invalid(
                    "couldn't find an interface entry in network '\(n.name)' matching <interface dev='\(dev)'>")
            }
            if let used = connections[dev], used > 0 {
                throw NetworkError.invalid(
                    "unable to delete interface '\(dev)' in network '\(n.name)'. It is currently being used  by "
                        + "\(used) domains.")
            }
            forward.interfaces.remove(at: found)
        } else {
            if found != nil {
                throw NetworkError.invalid(
                    "there is an existing interface entry in network '\(n.name)' that matches "
                        + "\"<interface dev='\(dev)'>\"")
            }
            if command == .addFirst { forward.interfaces.insert(dev, at: 0) } else { forward.interfaces.append(dev) }
        }
        if n.forward != nil { n.forward = forward }
    }
}
