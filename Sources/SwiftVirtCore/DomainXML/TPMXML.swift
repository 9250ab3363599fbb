/// `<tpm>`, read and written as libvirt 9.0 does (virDomainTPMDefParseXML, virDomainTPMDefFormat). What the model
/// does not type (an `<encryption>` of the emulator's state, which needs a secret driver) stays unread and is kept;
/// a `type='external'` backend makes the whole device kept. The driver refuses both at start.
enum TPMXML {
    private enum BackendType: String, CaseIterable { case passthrough, emulator }

    /// libvirt's default host device for passthrough.
    static let defaultPassthroughDevice = "/dev/tpm0"

    static func parse(_ r: inout ElementReader) throws(DomainXMLError) -> TPMDevice {
        let model: TPMDevice.Model? = try r.enumeration("model")
        let backends = r.element.childElements.filter { $0.name == "backend" }
        if backends.count > 1 {
            throw .inconsistent(
                element: r.path + "/backend", line: backends[1].position.line, reason: "only one TPM backend is supported")
        }
        guard let backend = try r.child("backend", { c throws(DomainXMLError) in try Self.backend(&c) }) else {
            throw .inconsistent(element: r.path + "/backend", line: r.line, reason: "missing TPM device backend")
        }
        var tpm = TPMDevice(model: model, backend: backend)
        tpm.sourceLine = SourceLine(r.line)
        (tpm.address, tpm.alias) = try DeviceXMLParser.addressAndAlias(&r)
        return tpm
    }

    private static func backend(_ c: inout ElementReader) throws(DomainXMLError) -> TPMDevice.Backend {
        switch try c.requiredEnumeration("type", as: BackendType.self, unsupported: ["external"]) {
        case .passthrough:
            _ = c.string("version")  // libvirt reads no version for passthrough and does not write one back
            let path = try c.child("device") { d throws(DomainXMLError) in d.string("path") } ?? nil
            return .passthrough(devicePath: path ?? defaultPassthroughDevice)
        case .emulator:
            let banks = try c.child("active_pcr_banks") { b throws(DomainXMLError) in
                var banks: [TPMDevice.PCRBank] = []
                for bank in TPMDevice.PCRBank.allCases where try b.flag(bank.rawValue) { banks.append(bank) }
                return banks
            }
            return .emulator(
                version: try c.enumeration("version"), persistentState: try c.yesNo("persistent_state") ?? false,
                activePCRBanks: banks.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    static func format(_ w: inout XMLWriter, _ tpm: TPMDevice) {
        w.element("tpm", [("model", tpm.model?.rawValue)]) { w in
            switch tpm.backend {
            case .passthrough(let path):
                w.element("backend", [("type", "passthrough")]) { w in w.empty("device", [("path", path)]) }
            case .emulator(let version, let persistent, let banks):
                let attrs: [XMLWriter.Attr] = [
                    ("type", "emulator"), ("version", version?.rawValue), ("persistent_state", persistent ? "yes" : nil),
                ]
                w.element("backend", attrs) { w in
                    if let banks {
                        w.element("active_pcr_banks") { w in for bank in banks { w.empty(bank.rawValue) } }
                    }
                }
            }
            DeviceXMLFormatter.common(&w, tpm.alias, tpm.address)
        }
    }
}
