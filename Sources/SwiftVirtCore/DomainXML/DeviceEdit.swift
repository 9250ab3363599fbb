/// virDomainAttachDeviceFlags, DetachDeviceFlags and UpdateDeviceFlags on a definition's XML: the device is put
/// into, taken out of, or replaced in `<devices>` of the formatted domain, and the result is parsed again as a
/// whole, so a changed definition goes through every check a define does, and what the model does not type is
/// kept as it is. Which devices each operation takes, how a device is found, and the errors are libvirt 9.0's.
public enum DeviceEdit {
    public enum Operation: Sendable { case attach, detach, update }

    /// A device's XML, parsed: its element and libvirt's name for its kind.
    public struct Device: Sendable {
        public var element: XMLElement
        public var text: String
        /// virDomainDeviceType's name: "disk", "interface", "chr" for serial/console/channel/parallel, ...
        public var kind: String

        public init(xml: String) throws {
            do {
                element = try XMLParser.parse(xml)
            } catch {
                throw VirtError(
                    .xmlError, detail: "(device_definition):\(error.position.line): \(error.message)")
            }
            text = xml
            switch element.name {
            case "serial", "console", "channel", "parallel": kind = "chr"
            case let name where DeviceEdit.deviceKinds.contains(name): kind = name
            default: throw VirtError(.configUnsupported, detail: "unknown device type '\(element.name)'")
            }
        }

        /// The target of a disk (`<target dev>`).
        public var diskTarget: String? { element.childElements.first { $0.name == "target" }?[attribute: "dev"] }
        public var alias: String? { element.childElements.first { $0.name == "alias" }?[attribute: "name"] }
    }

    static let deviceKinds: Set<String> = [
        "disk", "lease", "filesystem", "interface", "input", "sound", "video", "hostdev", "watchdog", "controller",
        "graphics", "hub", "redirdev", "smartcard", "memballoon", "nvram", "rng", "shmem", "tpm", "panic", "memory",
        "iommu", "vsock", "audio",
    ]

    /// The persistent definition's kinds each operation takes (qemuDomain{Attach,Detach,Update}DeviceConfig).
    static let configKinds: [Operation: Set<String>] = [
        .attach: [
            "disk", "interface", "sound", "hostdev", "lease", "controller", "chr", "filesystem", "rng", "memory",
            "redirdev", "shmem", "watchdog", "input", "vsock",
        ],
        .detach: [
            "disk", "interface", "sound", "hostdev", "lease", "controller", "chr", "filesystem", "rng", "memory",
            "redirdev", "shmem", "watchdog", "input", "vsock",
        ],
        .update: ["disk", "graphics", "interface", "memory"],
    ]

    /// `domainXML` (as `DomainXML.format` writes it) with `device` attached, detached or updated, to be parsed
    /// and checked as a definition by the caller.
    public static func apply(_ operation: Operation, _ device: Device, toConfig domainXML: String) throws -> String {
        guard configKinds[operation]?.contains(device.kind) == true else {
            let verb = operation == .attach ? "attach" : operation == .detach ? "detach" : "update"
            throw VirtError(.operationUnsupported, detail: "persistent \(verb) of device '\(device.kind)' is not supported")
        }
        return try apply(operation, device, to: domainXML)
    }

    /// The same edit without the persistent-definition rule: for live definitions, whose rules the driver's
    /// hotplug code checks.
    public static func apply(_ operation: Operation, _ device: Device, to domainXML: String) throws -> String {
        var lines = domainXML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let close = lines.firstIndex(of: "  </devices>") else {
            throw VirtError(.internalError, detail: "domain XML without <devices>")
        }
        let present = try devices(in: domainXML, lines: lines)
        switch operation {
        case .attach:
            try refuseDuplicate(device, present.map(\.element))
            lines.insert(contentsOf: indented(device.text), at: close)
        case .detach:
            let found = try find(device, in: present.map(\.element), operation: .detach)
            lines.removeSubrange(present[found].lines)
        case .update:
            let found = try find(device, in: present.map(\.element), operation: .update)
            lines.replaceSubrange(present[found].lines, with: indented(device.text))
        }
        return lines.joined(separator: "\n")
    }

    /// The device of `devices` that `device` names, as libvirt finds it for `operation`.
    public static func find(_ device: Device, in devices: [XMLElement], operation: Operation) throws -> Int {
        let g = device.element
        func first(_ match: (XMLElement) -> Bool, _ missing: VirtError) throws -> Int {
            guard let i = devices.firstIndex(where: { $0.name == g.name && match($0) }) else { throw missing }
            return i
        }
        switch device.kind {
        case "disk":
            let dev = device.diskTarget ?? ""
            let missing =
                operation == .update
                ? VirtError(.invalidArg, detail: "target \(dev) doesn't exist.")
                : VirtError(.deviceMissing, detail: "no target device \(dev)")
            return try first({ target(of: $0) == dev }, missing)
        case "interface":
            return try findInterface(g, devices)
        case "graphics":
            let type = g[attribute: "type"] ?? ""
            return try first(
                { $0[attribute: "type"] == type },
                VirtError(.invalidArg, detail: "cannot find existing graphics type '\(type)' device to modify"))
        case "controller":
            return try first(
                { $0[attribute: "type"] == g[attribute: "type"] && (g[attribute: "index"] ?? "0") == $0[attribute: "index"] },
                VirtError(.deviceMissing, detail: "device not present in domain configuration"))
        case "watchdog":
            return try first({ _ in true }, VirtError(.deviceMissing, detail: "domain has no watchdog"))
        default:
            let missing: VirtError =
                switch device.kind {
                case "filesystem": VirtError(.deviceMissing, detail: "no matching filesystem device was found")
                case "rng": VirtError(.deviceMissing, detail: "no matching RNG device was found")
                case "memory": VirtError(.deviceMissing, detail: "matching memory device was not found")
                case "redirdev": VirtError(.deviceMissing, detail: "no matching redirdev was not found")
                case "shmem": VirtError(.deviceMissing, detail: "matching shmem device was not found")
                case "input": VirtError(.deviceMissing, detail: "matching input device not found")
                case "vsock": VirtError(.operationFailed, detail: "matching vsock device not found")
                default: VirtError(.deviceMissing, detail: "device not present in domain configuration")
                }
            return try first({ isSubset(g, of: $0) }, missing)
        }
    }

    /// virDomainNetFindIdx: by MAC, PCI address and alias, each only when given; more than one match is an error.
    static func findInterface(_ g: XMLElement, _ devices: [XMLElement]) throws -> Int {
        let mac = g.childElements.first { $0.name == "mac" }?[attribute: "address"]?.lowercased()
        let address = g.childElements.first { $0.name == "address" && $0[attribute: "type"] == "pci" }
        let alias = g.childElements.first { $0.name == "alias" }?[attribute: "name"]
        var matches: [Int] = []
        for (i, c) in devices.enumerated() where c.name == "interface" {
            if let mac, c.childElements.first(where: { $0.name == "mac" })?[attribute: "address"]?.lowercased() != mac {
                continue
            }
            if let address, !isSubset(address, of: c.childElements.first { $0.name == "address" }) { continue }
            if let alias, let theirs = c.childElements.first(where: { $0.name == "alias" })?[attribute: "name"],
                theirs != alias
            {
                continue
            }
            matches.append(i)
        }
        if matches.count > 1 {
            throw VirtError(
                .operationFailed,
                detail: mac.map { "multiple devices matching MAC address \($0) found" } ?? "multiple matching devices found")
        }
        guard let i = matches.first else {
            let at = address.map { a in
                ["domain", "bus", "slot", "function"].map { a[attribute: $0] ?? "0" }.joined(separator: ":")
            }
            throw VirtError(
                .deviceMissing,
                detail: "no device found at address '\(at ?? "(<null>)")' matching MAC address '\(mac ?? "(<null>)")' "
                    + "and alias '\(alias ?? "(<null>)")'")
        }
        return i
    }

    /// Attaching what is already there (qemuDomainAttachDeviceConfig's checks).
    static func refuseDuplicate(_ device: Device, _ present: [XMLElement]) throws {
        let g = device.element
        switch device.kind {
        case "disk":
            if let dev = device.diskTarget, present.contains(where: { $0.name == "disk" && target(of: $0) == dev }) {
                throw VirtError(.operationInvalid, detail: "target \(dev) already exists")
            }
        case "controller":
            if let index = g[attribute: "index"],
                present.contains(where: {
                    $0.name == "controller" && $0[attribute: "type"] == g[attribute: "type"] && $0[attribute: "index"] == index
                })
            {
                throw VirtError(.operationInvalid, detail: "controller index='\(index)' already exists")
            }
        case "watchdog":
            if present.contains(where: { $0.name == "watchdog" }) {
                throw VirtError(.operationInvalid, detail: "domain already has a watchdog")
            }
        case "vsock":
            if present.contains(where: { $0.name == "vsock" }) {
                throw VirtError(.operationInvalid, detail: "domain already has a vsock device")
            }
        case "hostdev", "shmem":
            if present.contains(where: { $0.name == g.name && isSubset(g, of: $0) }) {
                throw VirtError(.operationInvalid, detail: "device is already in the domain configuration")
            }
        case "filesystem":
            let dst = g.childElements.first { $0.name == "target" }?[attribute: "dir"]
            if present.contains(where: {
                $0.name == "filesystem" && $0.childElements.first { $0.name == "target" }?[attribute: "dir"] == dst
            }) {
                throw VirtError(.operationInvalid, detail: "Target already exists")
            }
        default:
            break
        }
    }

    // MARK: the formatted document

    /// Each device element of `<devices>` and the lines it spans in the formatted document.
    public static func devices(in xml: String) throws -> [(element: XMLElement, lines: Range<Int>)] {
        try devices(in: xml, lines: xml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    static func devices(in xml: String, lines: [String]) throws -> [(element: XMLElement, lines: Range<Int>)] {
        let root: XMLElement
        do {
            root = try XMLParser.parse(xml)
        } catch {
            throw VirtError(.internalError, detail: "domain XML unreadable: \(error)")
        }
        guard let devices = root.childElements.first(where: { $0.name == "devices" }) else { return [] }
        return devices.childElements.map { e in
            let start = e.position.line - 1
            var end = start
            if !(e.rawInner.isEmpty && lines[start].hasSuffix("/>")) {
                let closing = "    </\(e.name)>"
                end = lines[(start + 1)...].firstIndex(of: closing) ?? start
            }
            return (e, start..<(end + 1))
        }
    }

    static func target(of disk: XMLElement) -> String? {
        disk.childElements.first { $0.name == "target" }?[attribute: "dev"]
    }

    /// Every attribute of `g` is in `c` with the same value, and every child element of `g` is a subset of one
    /// of `c`'s of the same name: how a device given by its identifying parts is found among full definitions.
    static func isSubset(_ g: XMLElement, of c: XMLElement?) -> Bool {
        guard let c, g.name == c.name else { return false }
        for a in g.attributes where c[attribute: a.name] != a.value { return false }
        let theirs = c.childElements
        for child in g.childElements where !theirs.contains(where: { isSubset(child, of: $0) }) { return false }
        let text = g.text.trimmingWhitespace()
        return text.isEmpty || text == c.text.trimmingWhitespace()
    }

    /// The device's lines, indented to stand in `<devices>`.
    static func indented(_ text: String) -> [String] {
        text.trimmingWhitespace().split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
    }
}
