/// What a guest's port on the network gets: `<portgroup>`, `<vlan>`, `<bandwidth>`, `<virtualport>` (libvirt's
/// virNetworkPortGroupParseXML, virNetDevVlanParse, virNetDevBandwidthParse and virNetDevVPortProfileParse: same
/// checks, same codes).
extension NetworkXML {
    static func portGroup(_ c: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkPortGroup {
        let name = try c.required("name", "Missing required name attribute in portgroup")
        var g = NetworkPortGroup(name: name)
        if let d = c.string("default") {
            guard d == "yes" || d == "no" else { throw c.invalidValue("default", d) }
            g.isDefault = d == "yes"
        }
        g.trustGuestRxFilters = try c.yesNo("trustGuestRxFilters")
        g.virtualPort = try c.child("virtualport") { v throws(NetworkXMLError) in
            try virtualPort(&v, requireType: false)
        } ?? nil
        g.bandwidth = try c.child("bandwidth") { b throws(NetworkXMLError) in try bandwidth(&b) } ?? nil
        g.vlan = try c.child("vlan") { v throws(NetworkXMLError) in try vlan(&v) }
        return g
    }

    /// libvirt's helpers for these elements raise their errors outside any driver (VIR_FROM_NONE; XML attribute
    /// and virtualport errors keep theirs).
    private static func outsideDrivers<T>(_ body: () throws(NetworkXMLError) -> T) throws(NetworkXMLError) -> T {
        do { return try body() } catch { throw error.domain == .network ? error.from(.none) : error }
    }

    static func vlan(_ c: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkVLAN {
        try outsideDrivers { () throws(NetworkXMLError) in try vlanContent(&c) }
    }

    static func bandwidth(_ c: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkBandwidth? {
        try outsideDrivers { () throws(NetworkXMLError) in try bandwidthContent(&c) }
    }

    static func virtualPort(_ c: inout NetworkElementReader, requireType: Bool) throws(NetworkXMLError)
        -> VirtualPortProfile?
    {
        try outsideDrivers { () throws(NetworkXMLError) in try virtualPortContent(&c, requireType: requireType) }
    }

    private static func vlanContent(_ c: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkVLAN {
        var v = NetworkVLAN(tags: [])
        let tags = try c.children("tag") { t throws(NetworkXMLError) -> (Int, NetworkVLAN.NativeMode?) in
            guard let id = t.string("id") else {
                throw t.error(.xmlError, attribute: "id", "Missing required attribute 'id' in element 'tag'")
            }
            guard let n = UInt32(id) else { throw t.invalidValue("id", id, " Expected integer value") }
            if n > 4095 { throw t.error(.xmlError, attribute: "id", "vlan tag id \(n) too large (maximum 4095)") }
            let mode = try t.string("nativeMode").map { m throws(NetworkXMLError) in
                guard let mode = NetworkVLAN.NativeMode(rawValue: m) else {
                    if m == "default" {
                        throw t.error(
                            .xmlError, attribute: "nativeMode",
                            "Invalid value for attribute 'nativeMode' in element 'tag': Zero is not permitted")
                    }
                    throw t.invalidValue("nativeMode", m)
                }
                return mode
            }
            return (Int(n), mode)
        }
        if tags.isEmpty {
            throw c.error(.xmlError, "missing tag id - each <vlan> must have at least one <tag id='n'/> subelement")
        }
        for (id, mode) in tags {
            v.tags.append(id)
            guard let mode else { continue }
            if v.nativeMode != nil { throw c.error(.xmlError, "duplicate native vlan setting") }
            v.nativeMode = mode
            v.nativeTag = id
        }
        v.trunk = tags.count > 1
        if let trunk = c.string("trunk") {
            v.trunk = trunk.lowercased() == "yes"
            if !v.trunk {
                if tags.count > 1 {
                    throw c.error(
                        .xmlError, attribute: "trunk",
                        "invalid \"trunk='\(trunk)'\" in <vlan> - trunk='yes' is required for more than one vlan tag")
                }
                if v.nativeMode != nil {
                    throw c.error(
                        .xmlError, attribute: "trunk",
                        "invalid configuration in <vlan> - \"trunk='no'\" is not allowed with a native vlan id")
                }
                if trunk.lowercased() != "no" {
                    throw c.error(
                        .xmlError, attribute: "trunk", "invalid \"trunk='\(trunk)'\" in <vlan> - must be yes or no")
                }
            }
        }
        return v
    }

    /// nil for a `<bandwidth>` with neither direction (libvirt drops it).
    private static func bandwidthContent(_ c: inout NetworkElementReader) throws(NetworkXMLError)
        -> NetworkBandwidth?
    {
        if c.string("classID") != nil {
            throw c.error(
                .xmlDetail, attribute: "classID", "classID attribute not supported on <bandwidth> in this usage context")
        }
        for direction in ["inbound", "outbound"] where c.count(direction) > 1 {
            throw c.error(.xmlDetail, "Only one child <\(direction)> element allowed")
        }
        var b = NetworkBandwidth()
        b.inbound = try c.child("inbound") { r throws(NetworkXMLError) in try rate(&r) }
        b.outbound = try c.child("outbound") { r throws(NetworkXMLError) in try rate(&r) }
        if b.inbound?.floor != nil {
            throw c.error(.configUnsupported, "floor attribute is not supported for this config")
        }
        if b.outbound?.floor != nil {
            throw c.error(.configUnsupported, "'floor' attribute allowed only in <inbound> element")
        }
        return b.inbound == nil && b.outbound == nil ? nil : b
    }

    private static func rate(_ r: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkBandwidth.Rate {
        func value(_ attr: String, _ r: inout NetworkElementReader) throws(NetworkXMLError) -> UInt64? {
            guard let v = r.string(attr) else { return nil }
            guard let n = UInt64(v) else {
                throw r.error(.configUnsupported, attribute: attr, "could not convert bandwidth \(attr) value '\(v)'")
            }
            return n
        }
        var rate = NetworkBandwidth.Rate(average: try value("average", &r))
        let floor = r.element.attribute("floor")
        if rate.average == nil && floor == nil {
            throw r.error(.xmlDetail, "Missing mandatory average or floor attributes")
        }
        if (r.element.attribute("peak") != nil || r.element.attribute("burst") != nil) && rate.average == nil {
            throw r.error(.configUnsupported, "'peak' and 'burst' require 'average' attribute")
        }
        rate.peak = try value("peak", &r)
        rate.burst = try value("burst", &r)
        rate.floor = try value("floor", &r)
        return rate
    }

    /// nil for a typeless `<virtualport>` without parameters (libvirt drops it).
    private static func virtualPortContent(_ c: inout NetworkElementReader, requireType: Bool)
        throws(NetworkXMLError) -> VirtualPortProfile?
    {
        var type: VirtualPortProfile.Kind?
        if let t = c.string("type") {
            guard let kind = VirtualPortProfile.Kind(rawValue: t) else {
                throw c.error(.configUnsupported, attribute: "type", "unknown virtualport type \(t)")
            }
            type = kind
        }
        if type == nil && requireType { throw c.error(.xmlError, "missing required virtualport type") }
        var v = VirtualPortProfile(type: type)
        try c.child("parameters") { p throws(NetworkXMLError) in
            func number(_ attr: String, max: Int, _ what: String, _ p: inout NetworkElementReader)
                throws(NetworkXMLError) -> Int?
            {
                guard let s = p.string(attr) else { return nil }
                guard let n = ElementReader.parseInteger(s), n >= 0, n <= Int(UInt32.max) else {
                    throw p.error(.xmlError, attribute: attr, "cannot parse value of \(attr) parameter")
                }
                if n > max { throw p.error(.xmlError, attribute: attr, what) }
                return n
            }
            v.managerID = try number("managerid", max: 0xFF, "value of managerid out of range", &p)
            v.typeID = try number("typeid", max: 0xFF_FFFF, "value for typeid out of range", &p)
            v.typeIDVersion = try number("typeidversion", max: 0xFF, "value of typeidversion out of range", &p)
            if let s = p.string("instanceid") {
                guard let u = DomainUUID(string: s) else {
                    throw p.error(.xmlError, attribute: "instanceid", "cannot parse instanceid parameter as a uuid")
                }
                v.instanceID = u
            }
            if let s = p.string("profileid") {
                if s.utf8.count >= 40 { throw p.error(.xmlError, attribute: "profileid", "profileid parameter too long") }
                v.profileID = s
            }
            if let s = p.string("interfaceid") {
                guard let u = DomainUUID(string: s) else {
                    throw p.error(.xmlError, attribute: "interfaceid", "cannot parse interfaceid parameter as a uuid")
                }
                v.interfaceID = u
            }
        }
        let extra: String?
        switch type {
        case .qbg?: extra = v.profileID != nil ? "profileid" : v.interfaceID != nil ? "interfaceid" : nil
        case .qbh?, .openvswitch?:
            extra =
                v.managerID != nil ? "managerid" : v.typeID != nil ? "typeid"
                : v.typeIDVersion != nil ? "typeidversion" : v.instanceID != nil ? "instanceid"
                : type == .qbh && v.interfaceID != nil ? "interfaceid" : nil
        case .midonet?, nil: extra = nil
        }
        if let extra, let type {
            throw c.error(.xmlError, "extra \(extra) unsupported in <virtualport type='\(type.rawValue)'>", domain: .net)
        }
        if type == nil && v == VirtualPortProfile(type: nil) { return nil }
        return v
    }
}
