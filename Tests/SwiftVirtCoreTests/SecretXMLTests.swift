import Testing

@testable import SwiftVirtCore

@Suite struct SecretXMLTests {
    @Test func parsesAndPrintsAsLibvirt() throws {
        let def = try SecretXML.parse(
            """
            <secret private='yes'>
              <uuid> 0b1cd0a4-5b71-4e57-9b7f-1e0f1f3c2d02 </uuid>
              <description>a &lt;b&gt; 'c'</description>
              <usage type='iscsi'><target>iqn.2013-07.com.example:t1</target></usage>
            </secret>
            """)
        #expect(!def.ephemeral && def.isPrivate)
        #expect(def.usageType == .iscsi && def.usageID == "iqn.2013-07.com.example:t1")
        #expect(
            SecretXML.format(def) == """
                <secret ephemeral='no' private='yes'>
                  <uuid>0b1cd0a4-5b71-4e57-9b7f-1e0f1f3c2d02</uuid>
                  <description>a &lt;b&gt; &apos;c&apos;</description>
                  <usage type='iscsi'>
                    <target>iqn.2013-07.com.example:t1</target>
                  </usage>
                </secret>

                """)
        #expect(try SecretXML.parse(SecretXML.format(def)) == def)
    }

    @Test func usageNoneAndEmptyValuesAreAbsent() throws {
        let def = try SecretXML.parse("<secret ephemeral='yes'><description></description><usage type='none'/></secret>")
        #expect(def.ephemeral && def.description == nil && def.usageType == .none && def.usageID == nil)
        #expect(!SecretXML.format(def).contains("usage") && !SecretXML.format(def).contains("description"))
    }

    @Test(arguments: [
        ("<secret><usage type='x'/></secret>", VirtErrorCode.configUnsupported, "unknown secret usage type x"),
        ("<secret><usage type='ceph'/></secret>", .internalError, "Ceph usage specified, but name is missing"),
        ("<secret><usage type='tls'><name></name></usage></secret>", .internalError, "TLS usage specified, but name is missing"),
        ("<secret private='1'/>", .xmlError, "invalid value of 'private'"),
        ("<secret><uuid>123</uuid></secret>", .internalError, "malformed uuid element"),
    ])
    func refusesAsLibvirt(xml: String, code: VirtErrorCode, words: String) {
        #expect {
            try SecretXML.parse(xml)
        } throws: { error in
            guard let e = error as? VirtError else { return false }
            return e.code == code && e.domain == .secret && e.message.hasSuffix(words)
        }
    }
}
