import Testing

@testable import SwiftVirtCore

/// `<os>` firmware, `<smm>` and `<tpm>` as libvirt 9.0 reads and writes them. Every expected document below is what
/// a libvirtd 9.0 printed (`virsh dumpxml --inactive`) for the same input, cut to the element in question.
@Suite struct FirmwareTPMXMLTests {
    static func domain(os: String = "", osInner: String = "", features: String = "<acpi/>", devices: String = "")
        -> String
    {
        """
        <domain type='qemu'><name>fw</name><memory unit='MiB'>256</memory>
        <os \(os)><type arch='x86_64' machine='q35'>hvm</type>\(osInner)</os>
        <features>\(features)</features><devices>\(devices)</devices></domain>
        """
    }

    /// Parsed, completed as `define` completes it (without a driver), checked, formatted.
    static func defined(_ xml: String) throws -> String {
        var d = try DomainXML.parse(xml)
        try d.applyDefaults()
        try d.validate()
        try d.validateFirmware()
        return DomainXML.format(d)
    }

    /// The lines of element `name` (first occurrence, through its end tag) in a formatted document.
    static func element(_ name: String, in xml: String) -> String {
        let lines = xml.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("<\(name)") })
        else { return "" }
        if lines[start].hasSuffix("/>") || lines[start].contains("</\(name)>") { return String(lines[start]) }
        let end = lines[start...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "</\(name)>" } ?? start
        return lines[start...end].joined(separator: "\n")
    }

    @Test func firmwareFeaturesInLibvirtsOrder() throws {
        let out = try Self.defined(
            Self.domain(
                os: "firmware='efi'",
                osInner: """
                    <firmware><feature enabled='yes' name='secure-boot'/><feature enabled='no' name='enrolled-keys'/>
                    </firmware>
                    """))
        #expect(
            Self.element("os", in: out) == """
                  <os firmware='efi'>
                    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
                    <firmware>
                      <feature enabled='no' name='enrolled-keys'/>
                      <feature enabled='yes' name='secure-boot'/>
                    </firmware>
                    <boot dev='hd'/>
                  </os>
                """)
        #expect(try virtXMLValidate(out).status == 0)
    }

    @Test func enrolledKeysImplySecureBoot() throws {
        let out = try Self.defined(
            Self.domain(os: "firmware='efi'", osInner: "<firmware><feature enabled='yes' name='enrolled-keys'/></firmware>"))
        #expect(Self.element("firmware", in: out).contains("<feature enabled='yes' name='secure-boot'/>"), "\(out)")
    }

    @Test func loaderAndNVRAMWrittenBack() throws {
        let out = try Self.defined(
            Self.domain(
                osInner: """
                    <loader type='pflash' readonly='yes' secure='yes'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>
                    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/x/fw_VARS.fd</nvram>
                    """, features: "<acpi/><smm/>"))
        #expect(
            Self.element("os", in: out) == """
                  <os>
                    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
                    <loader readonly='yes' secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>
                    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/x/fw_VARS.fd</nvram>
                    <boot dev='hd'/>
                  </os>
                """)
        // As libvirt, <smm/> is on.
        #expect(Self.element("features", in: out).contains("<smm state='on'/>"), "\(out)")
        #expect(try virtXMLValidate(out).status == 0)
    }

    @Test func aLoaderGivenByPathAloneIsARom() throws {
        let out = try Self.defined(Self.domain(osInner: "<loader>/usr/share/seabios/bios.bin</loader>"))
        #expect(Self.element("loader", in: out) == "    <loader type='rom'>/usr/share/seabios/bios.bin</loader>")
    }

    /// What the model does not act on stays, in place: a `<tseg>`, a store described by `<source>`.
    @Test func untypedFirmwarePartsAreKept() throws {
        let xml = Self.domain(
            os: "firmware='efi'", osInner: "<nvram type='file'><source file='/var/lib/x/fw_VARS.fd'/></nvram>",
            features: "<acpi/><smm state='on'><tseg unit='MiB'>48</tseg></smm>")
        var d = try DomainXML.parse(xml)
        try d.applyDefaults()
        #expect(d.os.nvram == nil)
        #expect(d.kept.keys.sorted() == ["domain/features/smm", "domain/os"])
        let out = DomainXML.format(d)
        #expect(out.contains("<smm state='on'>\n      <tseg unit='MiB'>48</tseg>\n    </smm>"), "\(out)")
        #expect(out.contains("<nvram type='file'>\n      <source file='/var/lib/x/fw_VARS.fd'/>\n    </nvram>"), "\(out)")
        #expect(try DomainXML.format(DomainXML.parse(out)) == out)
    }

    @Test(arguments: [
        ("<loader readonly='yes'/>", "firmware='efi'",
         "loader attribute 'readonly' cannot be specified when firmware autoselection is enabled"),
        ("<loader type='pflash'/>", "firmware='efi'",
         "loader attribute 'type' cannot be specified when firmware autoselection is enabled"),
        ("<loader>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>", "firmware='efi'",
         "loader attribute 'type' cannot be specified when firmware autoselection is enabled"),
        ("<nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'/>", "firmware='efi'",
         "nvram attribute 'template' cannot be specified when firmware autoselection is enabled"),
        ("<loader secure='no'/>", "firmware='efi'",
         "loader attribute 'secure' cannot be specified when firmware autoselection is enabled"),
        ("<nvram>/tmp/x.fd</nvram>", "firmware='bios'", "firmware type 'bios' does not support nvram"),
        ("<firmware><feature enabled='yes' name='secure-boot'/></firmware>", "",
         "cannot use feature-based firmware autoselection when firmware autoselection is disabled"),
        ("<loader readonly='yes'/>", "", "no loader path specified and firmware auto selection disabled"),
        ("<nvram>/tmp/x.fd</nvram>", "", "no loader path specified and firmware auto selection disabled"),
        ("<loader readonly='yes' type='pflash' stateless='yes'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram>/tmp/x.fd</nvram>",
         "", "NVRAM is not permitted when loader is stateless"),
        ("<loader readonly='yes' type='rom' stateless='no'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>", "",
         "Only pflash loader type permits NVRAM"),
        ("<firmware><feature enabled='yes' name='enrolled-keys'/><feature enabled='no' name='secure-boot'/></firmware>",
         "firmware='efi'",
         "firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled"),
    ])
    func refusedAsLibvirtRefusesThem(osInner: String, os: String, message: String) throws {
        var d = try DomainXML.parse(Self.domain(os: os, osInner: osInner))
        try d.applyDefaults()
        #expect {
            try d.validateFirmware()
        } throws: { error in
            let v = (error as? DomainCheckError)?.virtError
            // VIR_ERR_XML_DETAIL, whose message is the detail alone: libvirt's words, then where.
            return v?.code == .xmlDetail && v?.domain == .domain && v?.message.hasPrefix(message + " (<os/") == true
        }
    }

    @Test func tpmDefaultsAndOrderAsLibvirt() throws {
        let out = try Self.defined(
            Self.domain(
                devices: """
                    <tpm model='tpm-crb'><backend type='emulator' version='2.0' persistent_state='yes'>
                    <active_pcr_banks><sha384/><sha256/></active_pcr_banks></backend></tpm>
                    """))
        #expect(
            Self.element("tpm", in: out) == """
                    <tpm model='tpm-crb'>
                      <backend type='emulator' version='2.0' persistent_state='yes'>
                        <active_pcr_banks>
                          <sha256/>
                          <sha384/>
                        </active_pcr_banks>
                      </backend>
                    </tpm>
                """)
        #expect(try virtXMLValidate(out).status == 0)
        let passthrough = try Self.defined(Self.domain(devices: "<tpm model='tpm-tis'><backend type='passthrough'/></tpm>"))
        #expect(
            Self.element("tpm", in: passthrough) == """
                    <tpm model='tpm-tis'>
                      <backend type='passthrough'>
                        <device path='/dev/tpm0'/>
                      </backend>
                    </tpm>
                """)
    }

    /// An emulator's state encryption needs a secret driver: kept inside the typed device; an external backend
    /// keeps the whole device.
    @Test func untypedTPMPartsAreKept() throws {
        let secret = "32ee7e76-2178-47a1-ab7b-269e6e348015"
        var d = try DomainXML.parse(
            Self.domain(
                devices: """
                    <tpm model='tpm-crb'><backend type='emulator' version='2.0'><encryption secret='\(secret)'/>
                    </backend></tpm>
                    """))
        #expect(d.devices.tpms.count == 1)
        #expect(d.kept.keys.sorted() == ["domain/devices/tpm/backend"])
        try d.applyDefaults()
        #expect(DomainXML.format(d).contains("<backend type='emulator' version='2.0'>\n        <encryption secret='\(secret)'/>"))

        let external = try DomainXML.parse(
            Self.domain(
                devices: "<tpm model='tpm-crb'><backend type='external'><source type='unix' mode='connect' path='/s'/></backend></tpm>"
            ))
        #expect(external.devices.tpms.isEmpty)
        #expect(external.kept["domain/devices"]?.elements.map(\.element.name) == ["tpm"])
    }

    @Test func tpmBackendCount() throws {
        #expect {
            try DomainXML.parse(Self.domain(devices: "<tpm model='tpm-tis'/>"))
        } throws: { error in
            (error as? DomainXMLError)?.virtError.message.contains("missing TPM device backend") == true
        }
        #expect {
            try DomainXML.parse(
                Self.domain(devices: "<tpm><backend type='emulator'/><backend type='passthrough'/></tpm>"))
        } throws: { error in
            (error as? DomainXMLError)?.virtError.message.contains("only one TPM backend is supported") == true
        }
    }
}
