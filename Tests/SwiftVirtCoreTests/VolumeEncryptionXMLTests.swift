import SwiftVirtCore
import Testing

/// A volume's `<encryption>`: read with libvirt's checks and written back as virStorageEncryptionFormat writes it.
@Suite struct VolumeEncryptionXMLTests {
    static let uuid = "5a1e0c2d-3b4f-4a6e-8d7c-9e0f1a2b3c01"

    static func volume(_ encryption: String) -> String {
        "<volume><name>v.qcow2</name><capacity>1048576</capacity><target><format type='qcow2'/>\(encryption)</target></volume>"
    }

    @Test func luksWithSecretCipherAndIVGenComesBack() throws {
        let v = try StorageVolumeXML.parse(
            Self.volume(
                "<encryption format='luks'><secret type='passphrase' uuid='\(Self.uuid)'/>"
                    + "<cipher name='aes' size='256' mode='xts' hash='sha256'/><ivgen name='plain64' hash='sha256'/></encryption>"))
        let enc = try #require(v.encryption)
        let uuid = try #require(DomainUUID(string: Self.uuid))
        #expect(enc.format == .luks && enc.secrets == [.uuid(uuid)])
        #expect(enc.cipher?.size == 256 && enc.ivgen?.name == "plain64")
        let xml = StorageVolumeXML.format(v)
        #expect(
            xml.contains(
                """
                    <encryption format='luks'>
                      <secret type='passphrase' uuid='\(Self.uuid)'/>
                      <cipher name='aes' size='256' mode='xts' hash='sha256'/>
                      <ivgen name='plain64' hash='sha256'/>
                    </encryption>
                """), "\(xml)")
        #expect(try StorageVolumeXML.parse(xml).encryption == enc)
    }

    @Test func emptyEncryptionIsWrittenOpenAndClosed() throws {
        var v = StorageVolumeDefinition(name: "v", capacity: 1, format: .raw)
        v.encryption = StorageEncryption(format: .luks)
        #expect(StorageVolumeXML.format(v).contains("    <encryption format='luks'>\n    </encryption>\n"))
    }

    @Test func libvirtsRefusals() {
        let cases: [(String, VirtErrorCode, String)] = [
            ("<encryption/>", .xmlError, "unknown volume encryption format"),
            ("<encryption format='aes'/>", .configUnsupported, "unknown volume encryption format type aes"),
            ("<encryption format='luks'><secret uuid='\(Self.uuid)'/></encryption>", .xmlError,
             "unknown volume encryption secret type"),
            ("<encryption format='luks'><secret type='passphrase'/></encryption>", .xmlError,
             "missing secret uuid or usage attribute"),
            ("<encryption format='luks'><secret type='passphrase' uuid='\(Self.uuid)' usage='/a'/></encryption>",
             .xmlError, "either secret uuid or usage expected"),
            ("<encryption format='luks'><secret type='passphrase' uuid='nope'/></encryption>", .xmlError,
             "invalid secret uuid 'nope'"),
            ("<encryption format='luks'><ivgen name='plain64'/></encryption>", .xmlError,
             "ivgen element found, but cipher is missing"),
            ("<encryption format='luks'><cipher size='256'/></encryption>", .xmlError,
             "cipher info missing 'name' attribute"),
        ]
        for (xml, code, message) in cases {
            do {
                _ = try StorageVolumeXML.parse(Self.volume(xml))
                Issue.record("accepted \(xml)")
            } catch {
                #expect(error.virtError.code == code && error.virtError.message.contains(message), "\(xml): \(error)")
            }
        }
    }
}
