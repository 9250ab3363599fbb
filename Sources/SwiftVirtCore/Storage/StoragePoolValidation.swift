/// libvirt 9.0's semantic checks and defaults for a pool definition (virStoragePoolDefParseXML and the source,
/// permission, auth, adapter and namespace parsers it calls), in libvirt's order, with libvirt's error codes and
/// wording; each message also names the element and its line.
struct StoragePoolValidation {
    let lines: [String: Int]
    let raw: StoragePoolRawValues

    private func line(_ path: String) -> Int? { lines[path] ?? lines["pool"] }

    private func xml(_ text: String, _ element: String) -> StorageXMLError {
        .xml(text, element, line(element))
    }

    func check(_ def: inout StoragePoolDefinition) throws(StorageXMLError) {
        let type = def.type
        if raw.hasSource {
            try checkSource(&def)
        } else {
            def.source.format = type.defaultSourceFormat
        }
        if def.name.isEmpty, type.sourceNameFollowsPool, let sourceName = def.source.name {
            def.name = sourceName
        }
        if def.name.isEmpty { throw xml("missing pool source name element", "pool/name") }
        if def.name.contains("/") { throw xml("name \(def.name) cannot contain '/'", "pool/name") }
        if let text = raw.uuid {
            guard let uuid = DomainUUID(string: text.trimmingWhitespace()) else {
                throw xml("malformed uuid element", "pool/uuid")
            }
            def.uuid = uuid
        }
        if let state = raw.cowState {
            guard state == "yes" || state == "no" else {
                throw xml("Invalid value for attribute 'state' in element 'cow': '\(state)'.", "pool/features/cow")
            }
            guard type == .fs || type == .dir else {
                throw StorageXMLError(
                    .noSupport, "cow feature may only be used for 'fs' and 'dir' pools", element: "pool/features/cow",
                    line: line("pool/features/cow"))
            }
            def.cow = state == "yes"
        }
        try checkRequiredSource(&def)
        if type.hasTarget { try checkTarget(&def) }
        if type == .iscsiDirect && initiatorIQN(def.source.initiator) == nil {
            throw .unsupported("missing initiator IQN", "pool/source/initiator", line("pool/source"))
        }
        if let allocation = raw.refreshAllocation {
            guard let value = StoragePoolDefinition.RefreshAllocation(rawValue: allocation) else {
                throw .unsupported(
                    "unknown storage pool volume refresh allocation type \(allocation)", "pool/refresh/volume",
                    line("pool/refresh"))
            }
            def.refreshAllocation = value
        }
        if raw.mountOptionNameMissing { throw xml("no fs mount option name specified", "pool/fs:mount_opts/option") }
        if let missing = raw.rbdOptionMissing {
            throw xml("no rbd option \(missing) specified", "pool/rbd:config_opts/option")
        }
    }

    // MARK: source

    private func checkSource(_ def: inout StoragePoolDefinition) throws(StorageXMLError) {
        let type = def.type
        if type == .rbd && def.source.name == nil {
            throw xml("element 'name' is mandatory for RBD pool", "pool/source/name")
        }
        if let formats = type.sourceFormats {
            let format = raw.format ?? type.defaultSourceFormat ?? ""
            guard formats.contains(format) else {
                throw .unsupported("unknown pool format type \(format)", "pool/source/format", line("pool/source/format"))
            }
            def.source.format = format
        } else {
            def.source.format = raw.format  // not read by libvirt for this type: kept as written
        }
        if raw.hostNameMissing { throw xml("missing storage pool host name", "pool/source/host") }
        for (i, port) in raw.ports.enumerated() {
            guard let port else { continue }
            guard let value = Int32(port) else {
                throw xml(
                    "Invalid value for attribute 'port' in element 'host': '\(port)'. Expected integer value",
                    "pool/source/host")
            }
            def.source.hosts[i].port = value == 0 ? nil : Int(value)
        }
        if raw.devicePathMissing { throw xml("missing storage pool source device path", "pool/source/device") }
        for (i, separator) in raw.partSeparators.enumerated() {
            guard let separator else { continue }
            guard separator == "yes" || separator == "no" else {
                throw xml(
                    "Invalid value for attribute 'part_separator' in element 'device': '\(separator)'.",
                    "pool/source/device")
            }
            def.source.devices[i].partSeparator = separator == "yes"
        }
        if let dir = def.source.dir { def.source.dir = StoragePoolXML.sanitized(dir) }
        if def.source.dir == nil && type == .gluster { def.source.dir = "/" }
        if var adapter = def.source.adapter {
            try checkAdapterParse(adapter)
            // A legacy `<adapter name=...>` is a scsi_host adapter, and libvirt says so.
            if attribute(adapter, "type") == nil && attribute(adapter, "name") != nil {
                adapter.attributes.insert(.init(name: "type", value: "scsi_host"), at: 0)
            }
            def.source.adapter = Self.ordered(
                adapter,
                ["type", "name", "parent", "parent_wwnn", "parent_wwpn", "parent_fabric_wwn", "managed", "wwnn", "wwpn"])
        }
        if let auth = def.source.auth {
            try checkAuth(auth)
            def.source.auth = Self.ordered(auth, ["type", "username"])
        }
        if let version = def.source.protocolVersion {
            let index = type.sourceFormats?.firstIndex(of: def.source.format ?? "") ?? 0
            let netfsFormats = StoragePoolDefinition.PoolType.netfs.sourceFormats ?? []
            // libvirt names the format by its number in the netfs list, whatever the pool type.
            let named = index < netfsFormats.count ? netfsFormats[index] : "(null)"
            if named != "nfs" && named != "auto" {
                throw .unsupported(
                    "storage pool protocol ver unsupported for pool type '\(named)'", "pool/source/protocol",
                    line("pool/source/protocol"))
            }
            if version.contains(",") {
                throw StorageXMLError(
                    .xmlDetail, "storage pool protocol ver '\(version)' must not contain ','",
                    element: "pool/source/protocol", line: line("pool/source/protocol"))
            }
        }
    }

    private func checkAuth(_ auth: KeptXML) throws(StorageXMLError) {
        let element = "pool/source/auth"
        guard attribute(auth, "username") != nil else { throw xml("missing username for auth", element) }
        let type = attribute(auth, "type")
        if let type, type != "chap" && type != "ceph" && type != "none" {
            throw .unsupported("unknown auth type '\(type)'", element, line(element))
        }
        guard let secret = child(auth, "secret") else { throw xml("Missing <secret> element in auth", element) }
        let uuid = attribute(secret, "uuid")
        let usage = attribute(secret, "usage")
        if uuid == nil && usage == nil { throw xml("missing secret uuid or usage attribute", element + "/secret") }
        if uuid != nil && usage != nil { throw xml("either secret uuid or usage expected", element + "/secret") }
        if let uuid, DomainUUID(string: uuid) == nil { throw xml("invalid secret uuid '\(uuid)'", element + "/secret") }
        if type == nil || type == "none" { throw .unsupported("storage pool missing auth type", element, line(element)) }
    }

    private func checkAdapterParse(_ adapter: KeptXML) throws(StorageXMLError) {
        let element = "pool/source/adapter"
        guard let type = attribute(adapter, "type") else {
            if ["wwnn", "wwpn", "parent"].contains(where: { attribute(adapter, $0) != nil }) {
                throw xml(
                    "Use of 'wwnn', 'wwpn', and 'parent' attributes requires use of the adapter 'type'", element)
            }
            if child(adapter, "parentaddr") != nil {
                throw xml("Use of 'parentaddr' element requires use of the adapter 'type'", element)
            }
            return
        }
        guard type == "scsi_host" || type == "fc_host" else {
            throw xml("Invalid value for attribute 'type' in element 'adapter': '\(type)'.", element)
        }
        if type == "fc_host", let managed = attribute(adapter, "managed"), managed != "yes" && managed != "no" {
            throw xml("Invalid value for attribute 'managed' in element 'adapter': '\(managed)'.", element)
        }
        if type == "scsi_host", let parent = child(adapter, "parentaddr") {
            guard child(parent, "address") != nil else { throw xml("Missing scsi_host PCI address element", element) }
            guard let id = attribute(parent, "unique_id").flatMap({ Int32($0) }), id >= 0 else {
                throw xml("Missing or invalid scsi adapter 'unique_id' value", element)
            }
        }
    }

    private func checkRequiredSource(_ def: inout StoragePoolDefinition) throws(StorageXMLError) {
        let type = def.type
        if [.netfs, .iscsi, .iscsiDirect, .rbd, .sheepdog, .gluster].contains(type) && def.source.hosts.isEmpty {
            throw xml("missing storage pool source host name", "pool/source/host")
        }
        if (type == .netfs || type == .gluster) && def.source.dir == nil {
            throw xml("missing storage pool source path", "pool/source/dir")
        }
        if type.sourceNameFollowsPool && def.source.name == nil { def.source.name = def.name }
        if type == .scsi { try checkAdapter(def.source.adapter) }
        if (type == .fs || type == .disk) && def.source.devices.isEmpty {
            throw xml("missing storage pool source device name", "pool/source/device")
        }
    }

    private func checkAdapter(_ adapter: KeptXML?) throws(StorageXMLError) {
        let element = "pool/source/adapter"
        let type = adapter.flatMap { a in attribute(a, "type") ?? (attribute(a, "name") != nil ? "scsi_host" : nil) }
        guard let adapter, let type else { throw xml("missing storage pool source adapter", element) }
        if type == "fc_host" {
            guard let wwnn = attribute(adapter, "wwnn"), let wwpn = attribute(adapter, "wwpn") else {
                throw xml("'wwnn' and 'wwpn' must be specified for adapter type 'fchost'", element)
            }
            for wwn in [wwnn, wwpn] where !Self.validWWN(wwn) {
                throw StorageXMLError(.internalError, "Malformed wwn: \(wwn)", element: element, line: line(element))
            }
            let parentNN = attribute(adapter, "parent_wwnn")
            let parentPN = attribute(adapter, "parent_wwpn")
            if let parentNN, parentPN == nil {
                throw xml("when providing parent_wwnn='\(parentNN)', the parent_wwpn must also be provided", element)
            }
            if let parentPN, parentNN == nil {
                throw xml("when providing parent_wwpn='\(parentPN)', the parent_wwnn must also be provided", element)
            }
            for wwn in [parentNN, parentPN, attribute(adapter, "parent_fabric_wwn")].compactMap({ $0 })
            where !Self.validWWN(wwn) {
                throw StorageXMLError(.internalError, "Malformed wwn: \(wwn)", element: element, line: line(element))
            }
        } else {
            let hasName = attribute(adapter, "name") != nil
            let hasParent = child(adapter, "parentaddr") != nil
            if !hasName && !hasParent {
                throw xml("Either 'name' or 'parent' must be specified for the 'scsi_host' adapter", element)
            }
            if hasName && hasParent {
                throw xml("Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter", element)
            }
        }
    }

    /// virValidateWWN: 16 hex digits, optionally prefixed by 0x.
    static func validWWN(_ wwn: String) -> Bool {
        let digits = wwn.hasPrefix("0x") ? wwn.dropFirst(2) : Substring(wwn)
        return digits.count == 16 && digits.allSatisfy(\.isHexDigit)
    }

    // MARK: target

    private func checkTarget(_ def: inout StoragePoolDefinition) throws(StorageXMLError) {
        let path: String
        switch def.type {
        case .logical: path = "/dev/" + (def.source.name ?? "")
        case .zfs: path = "/dev/zvol/" + (def.source.name ?? "")
        default:
            guard let given = raw.targetPath else { throw xml("missing storage pool target path", "pool/target/path") }
            path = given
        }
        def.targetPath = StoragePoolXML.sanitized(path)
        guard var perms = def.permissions else { return }
        let element = "pool/target/permissions"
        if let mode = raw.mode {
            guard let value = Int32(mode.trimmingWhitespace(), radix: 8), value >= 0, value & ~0o777 == 0 else {
                throw xml("malformed octal mode", element + "/mode")
            }
            perms.mode = UInt32(value)
        }
        perms.owner = try id(raw.owner, "owner")
        perms.group = try id(raw.group, "group")
        def.permissions = perms
    }

    /// An owner or group: a number that fits uid_t, or -1 (the daemon's own, the same as leaving it out).
    private func id(_ text: String?, _ name: String) throws(StorageXMLError) -> UInt32? {
        guard let text else { return nil }
        let trimmed = text.trimmingWhitespace()
        if trimmed == "-1" { return nil }
        guard let value = UInt32(trimmed) else {
            throw xml("malformed \(name) element", "pool/target/permissions/\(name)")
        }
        return value
    }

    // MARK: kept subtrees

    /// The attributes of a kept element in libvirt's order (`order` first, the rest as written).
    static func ordered(_ e: KeptXML, _ order: [String]) -> KeptXML {
        var e = e
        let rank = { (name: String) in order.firstIndex(of: name) ?? order.count }
        e.attributes = e.attributes.enumerated().sorted { (rank($0.element.name), $0.offset) < (rank($1.element.name), $1.offset) }
            .map(\.element)
        return e
    }

    private func attribute(_ e: KeptXML, _ name: String) -> String? {
        e.attributes.first { $0.name == name }?.value
    }

    private func child(_ e: KeptXML, _ name: String) -> KeptXML? {
        for case .element(let c) in e.content where c.name == name { return c }
        return nil
    }

    private func initiatorIQN(_ initiator: KeptXML?) -> String? {
        initiator.flatMap { child($0, "iqn") }.flatMap { attribute($0, "name") }
    }
}
