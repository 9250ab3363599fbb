/// `<sysinfo>` read and written as libvirt does: entries of each SMBIOS section in the section's own order.
enum SysInfoXML {
    static func parse(_ r: inout ElementReader) throws(DomainXMLError) -> SysInfo {
        var s = SysInfo(kind: try r.requiredEnumeration("type"))
        switch s.kind {
        case .smbios:
            for section in SysInfo.Section.allCases where section != .baseBoard {
                if let entries = try r.child(section.rawValue, { c throws(DomainXMLError) in try entries(&c, section) }) {
                    s.sections[section] = entries
                }
            }
            s.baseBoards = try r.children("baseBoard") { c throws(DomainXMLError) in try entries(&c, .baseBoard) }
        case .fwcfg:
            s.entries = try r.children("entry") { c throws(DomainXMLError) in
                let name = try c.requiredString("name")
                if !name.hasPrefix("opt/") {
                    throw .invalidValue(
                        element: c.path, attribute: "name", value: name, line: c.line,
                        reason: "fw_cfg entry names must start with 'opt/'")
                }
                return SysInfo.Entry(name: name, value: c.text(), file: c.string("file"))
            }
        }
        return s
    }

    private static func entries(_ r: inout ElementReader, _ section: SysInfo.Section) throws(DomainXMLError)
        -> [SysInfo.Entry]
    {
        let read = try r.children("entry") { c throws(DomainXMLError) -> SysInfo.Entry in
            if section == .oemStrings { return SysInfo.Entry(name: nil, value: c.text()) }
            let name = try c.requiredString("name")
            guard section.entryNames.contains(name) else {
                throw .invalidValue(
                    element: c.path, attribute: "name", value: name, line: c.line,
                    reason: "not an entry of <\(section.rawValue)>")
            }
            return SysInfo.Entry(name: name, value: c.text())
        }
        if section == .bios, let date = read.first(where: { $0.name == "date" })?.value,
            !isBIOSDate(date)
        {
            throw .invalidValue(
                element: r.path + "/entry", attribute: nil, value: date, line: r.line,
                reason: "invalid BIOS 'date' format, expected mm/dd/yy or mm/dd/yyyy")
        }
        guard section != .oemStrings else { return read }
        return section.entryNames.compactMap { n in read.last { $0.name == n } }
    }

    private static func isBIOSDate(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].count == 2 && parts[1].count == 2
            && (parts[2].count == 2 || parts[2].count == 4) && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
    }

    static func format(_ w: inout XMLWriter, _ s: SysInfo) {
        w.element("sysinfo", [("type", s.kind.rawValue)]) { w in
            func section(_ name: String, _ entries: [SysInfo.Entry]) {
                w.element(name) { w in
                    for e in entries { w.text("entry", [("name", e.name)], e.value) }
                }
            }
            switch s.kind {
            case .smbios:
                if let e = s.sections[.bios] { section("bios", e) }
                if let e = s.sections[.system] { section("system", e) }
                for b in s.baseBoards { section("baseBoard", b) }
                if let e = s.sections[.chassis] { section("chassis", e) }
                if let e = s.sections[.oemStrings] { section("oemStrings", e) }
            case .fwcfg:
                for e in s.entries {
                    if let file = e.file, e.value.isEmpty {
                        w.empty("entry", [("name", e.name), ("file", file)])
                    } else {
                        w.text("entry", [("name", e.name), ("file", e.file)], e.value)
                    }
                }
            }
        }
    }
}
