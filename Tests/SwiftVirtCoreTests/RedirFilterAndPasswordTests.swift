import SwiftVirtCore
import Testing

/// `<redirfilter>` and graphics passwords as libvirtd 9.0 reads and prints them (checked against
/// `virsh dumpxml` on Debian's libvirtd; see also DomainCorpus/10-graphics-av.xml).
@Suite struct RedirFilterAndPasswordTests {
    static func parse(_ devices: String) throws -> DomainDefinition {
        try DomainXML.parse(
            "<domain type='qemu'><name>t</name><memory>65536</memory><os><type>hvm</type></os>"
                + "<devices>\(devices)</devices></domain>")
    }

    @Test func filterRulesPrintAsLibvirtAndBecomeQEMUsFilter() throws {
        let d = try Self.parse(
            "<redirfilter><usbdev class='8' vendor='0x1234' product='0xbeef' version='2.5' allow='yes'/>"
                + "<usbdev vendor='-1' version='-1' allow='no'/></redirfilter>")
        let xml = DomainXML.format(d)
        #expect(xml.contains("<usbdev class='0x08' vendor='0x1234' product='0xBEEF' version='2.50' allow='yes'/>"))
        #expect(xml.contains("<usbdev allow='no'/>"))
        #expect(d.devices.redirfilter?.qemuFilter == "0x08:0x1234:0xBEEF:0x0250:1|-1:-1:-1:-1:0")
    }

    @Test(arguments: [
        ("<redirfilter><usbdev class='0x100' allow='yes'/></redirfilter>", "Invalid USB Class code 0x100"),
        ("<redirfilter><usbdev version='2' allow='yes'/></redirfilter>", "Cannot parse USB device version 2"),
        ("<redirfilter><usbdev version='100.1' allow='yes'/></redirfilter>", "Cannot parse USB device version 100.1"),
        ("<redirfilter><usbdev/></redirfilter>", "allow"),
        ("<redirfilter/><redirfilter/>", "only one set of redirection filter rule is supported"),
        ("<graphics type='vnc' passwd='x' passwdValidTo='2026-13-01T00:00:00'/>",
         "cannot parse password validity time '2026-13-01T00:00:00', expect YYYY-MM-DDTHH:MM:SS"),
    ])
    func refusedAsLibvirt(devices: String, words: String) {
        #expect {
            try Self.parse(devices)
        } throws: { error in
            "\(error)".contains(words)
        }
    }

    @Test func passwordPrintedOnlyWhenSecure() throws {
        let d = try Self.parse(
            "<graphics type='vnc' port='5901' autoport='no' keymap='fr' passwd='pw' passwdValidTo='2030-01-02T03:04:05'"
                + " connected='keep'/>")
        #expect(
            DomainXML.format(d).contains(
                "<graphics type='vnc' port='5901' autoport='no' keymap='fr' passwd='pw' passwdValidTo='2030-01-02T03:04:05' connected='keep'"))
        #expect(!DomainXML.format(d, secure: false).contains("passwd='"))
        #expect(DomainXML.format(d, secure: false).contains("passwdValidTo='2030-01-02T03:04:05'"))
    }

    @Test func passwordExpiryIsUTCSecondsSinceTheEpoch() {
        #expect(Graphics.passwordExpiry("1970-01-01T00:00:00") == 0)
        #expect(Graphics.passwordExpiry("2000-03-01T12:30:15") == 951_913_815)
        #expect(Graphics.passwordExpiry("2030-01-02T03:04") == nil)
    }
}
