import SwiftVirtCore
import Testing

/// virDomainSetMetadata/GetMetadata on a definition, and virDomainSendKey's key code translation.
@Suite struct DomainMetadataAndKeyCodeTests {
    static let uri = "http://example.org/app"

    static func domain(_ extra: String = "") throws -> DomainDefinition {
        try DomainXML.parse(
            "<domain type='qemu'><name>t</name>\(extra)<memory>65536</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>")
    }

    @Test func titleAndDescriptionAreSetAndRemoved() throws {
        var d = try Self.domain("<title>old</title>")
        try d.setMetadata(.description, "notes", key: nil, uri: nil)
        #expect(try d.metadata(.description, uri: nil) == "notes")
        #expect(try d.metadata(.title, uri: nil) == "old")
        try d.setMetadata(.title, "", key: nil, uri: nil)
        #expect(throws: VirtError(.noDomainMetadata, domain: .domain, detail: "Requested metadata element is not present")) {
            try d.metadata(.title, uri: nil)
        }
        #expect(throws: VirtError(.invalidArg, domain: .domain, detail: "unknown metadata type '7'")) {
            try DomainMetadataType.from(7)
        }
    }

    @Test func anElementIsPutInItsNamespaceAndComesBackWithout() throws {
        var d = try Self.domain()
        try d.setMetadata(.element, "<a x='1'><b>t</b><c/></a>", key: "app", uri: Self.uri)
        let xml = DomainXML.format(d)
        #expect(xml.contains("<metadata>\n    <app:a xmlns:app=\"\(Self.uri)\" x=\"1\">"), "\(xml)")
        #expect(xml.contains("<app:b>t</app:b>"), "\(xml)")
        #expect(try d.metadata(.element, uri: Self.uri) == "<a x=\"1\">\n  <b>t</b>\n  <c/>\n</a>")
        // It survives a round trip through the XML, and a second set replaces it.
        var again = try DomainXML.parse(xml)
        #expect(try again.metadata(.element, uri: Self.uri) == "<a x=\"1\">\n  <b>t</b>\n  <c/>\n</a>")
        try again.setMetadata(.element, "<z/>", key: "other", uri: Self.uri)
        #expect(again.metadata?.count == 1)
        #expect(try again.metadata(.element, uri: Self.uri) == "<z/>")
        try again.setMetadata(.element, nil, key: nil, uri: Self.uri)
        #expect(again.metadata == [])
        #expect(DomainXML.format(again).contains("<metadata/>"))
        #expect(throws: VirtError(.internalError, domain: .domain, detail: "failed to validate prefix for a new XML namespace")) {
            try again.setMetadata(.element, "<z/>", key: "1bad", uri: Self.uri)
        }
    }

    @Test func keyCodesTranslateToQnumAsLibvirtDoes() {
        // KEY_A is Linux 30, XT 0x1e, USB 4, win32 0x41; KEY_RIGHTCTRL is XT 0xe01d, qnum 0x9d.
        #expect(KeyCodeSet.linux.translate(30, to: .qnum) == 0x1e)
        #expect(KeyCodeSet.xt.translate(0x1e, to: .qnum) == 0x1e)
        #expect(KeyCodeSet.usb.translate(4, to: .qnum) == 0x1e)
        #expect(KeyCodeSet.win32.translate(0x41, to: .qnum) == 0x1e)
        #expect(KeyCodeSet.linux.translate(97, to: .qnum) == 0x9d)
        #expect(KeyCodeSet.xt.translate(0xe01d, to: .qnum) == 0x9d)
        #expect(KeyCodeSet.usb.translate(1, to: .qnum) == nil)
        #expect(KeyCodeSet.osx.name == "os_x" && KeyCodeSet.xtKbd.name == "xt_kbd")
    }
}
