/// `<os firmware=...>` and its `<firmware>`, `<loader>` and `<nvram>` children, read and written as libvirt 9.0
/// does (virDomainDefParseBootFirmwareOptions, virDomainLoaderDefParseXML and their formatters).
enum FirmwareXML {
    /// Reads into `os` what the model types. An `<nvram type=...>` (a store described by a `<source>`, network
    /// ones included) is left unread: the keeper keeps it in place and the driver refuses it at start.
    static func parse(_ r: inout ElementReader, into os: inout DomainOS) throws(DomainXMLError) {
        os.firmware = try r.enumeration("firmware")
        os.firmwareFeatures = try r.child("firmware") { c throws(DomainXMLError) in
            var features = FirmwareFeatures()
            let entries = try c.children("feature") { f throws(DomainXMLError) in
                (try f.requiredEnumeration("name", as: FeatureName.self), try requiredYesNo(&f, "enabled"))
            }
            // As libvirt, a later entry for the same feature wins.
            for (name, enabled) in entries {
                switch name {
                case .enrolledKeys: features.enrolledKeys = enabled
                case .secureBoot: features.secureBoot = enabled
                }
            }
            return entries.isEmpty ? nil : features
        } ?? nil
        os.loader = try r.child("loader") { c throws(DomainXMLError) in
            FirmwareLoader(
                readonly: try c.yesNo("readonly"), secure: try c.yesNo("secure"), type: try c.enumeration("type"),
                stateless: try c.yesNo("stateless"), path: nonEmpty(c.text()))
        }
        let newStyleNVRAM = r.element.childElements.first { $0.name == "nvram" }?.attribute("type") != nil
        if !newStyleNVRAM {
            os.nvram = try r.child("nvram") { c throws(DomainXMLError) in
                NVRAMStore(template: c.string("template"), path: nonEmpty(c.text()))
            }
        }
    }

    private enum FeatureName: String, CaseIterable {
        case enrolledKeys = "enrolled-keys"
        case secureBoot = "secure-boot"
    }

    private static func requiredYesNo(_ c: inout ElementReader, _ name: String) throws(DomainXMLError) -> Bool {
        guard let value = try c.yesNo(name) else { throw .missing(element: c.path, attribute: name, line: c.line) }
        return value
    }

    private static func nonEmpty(_ text: String) -> String? {
        let t = text.trimmingWhitespace()
        return t.isEmpty ? nil : t
    }

    /// What goes between `<type>` and `<kernel>`.
    static func format(_ w: inout XMLWriter, _ os: DomainOS) {
        if let f = os.firmwareFeatures {
            w.element("firmware") { w in
                if let v = f.enrolledKeys { w.empty("feature", [("enabled", yesNo(v)), ("name", "enrolled-keys")]) }
                if let v = f.secureBoot { w.empty("feature", [("enabled", yesNo(v)), ("name", "secure-boot")]) }
            }
        }
        if let l = os.loader, !l.isEmpty {
            let attrs: [XMLWriter.Attr] = [
                ("readonly", l.readonly.map(yesNo)), ("secure", l.secure.map(yesNo)), ("type", l.type?.rawValue),
                ("stateless", l.stateless.map(yesNo)),
            ]
            if let path = l.path { w.text("loader", attrs, path) } else { w.empty("loader", attrs) }
        }
        if let n = os.nvram, n.template != nil || n.path != nil {
            if let path = n.path { w.text("nvram", [("template", n.template)], path) } else {
                w.empty("nvram", [("template", n.template)])
            }
        }
    }

    private static func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }
}
