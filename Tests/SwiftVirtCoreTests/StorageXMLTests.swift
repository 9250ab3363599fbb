import Foundation
import SwiftVirtCore
import Testing

/// Pool and volume documents: what clients send parses, what we print parses back and passes Debian's schema.
@Suite struct StorageXMLTests {
    static let uuid = "0b6a4a1e-7f8a-4a55-9d3c-5a0c3a8d2f10"

    func validate(_ xml: String, schema: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sv-\(UUID().uuidString).xml")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/virt-xml-validate")
        p.arguments = [file.path, schema]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func error(_ body: () throws -> Void) -> VirtError? {
        do {
            try body()
            return nil
        } catch let e as StorageXMLError {
            return e.virtError
        } catch {
            return nil
        }
    }

    /// What `virsh pool-define-as p dir --target /srv/p/` sends.
    @Test func poolDefineAsDocumentParses() throws {
        let pool = try StoragePoolXML.parse(
            "<pool type='dir'>\n  <name>p</name>\n  <target>\n    <path>/srv/p/</path>\n  </target>\n</pool>\n")
        #expect(pool.name == "p")
        #expect(pool.type == .dir)
        #expect(pool.targetPath == "/srv/p")
    }

    @Test func poolRoundTripsAndValidates() throws {
        let xml = """
            <pool type='dir'><name>images</name><uuid>\(Self.uuid)</uuid>
            <capacity unit='bytes'>5</capacity><source/><target><path>/var/lib/x</path>
            <permissions><mode>0711</mode><owner>0</owner><group>-1</group></permissions></target></pool>
            """
        let pool = try StoragePoolXML.parse(xml)
        #expect(pool.uuid.description == Self.uuid)
        #expect(pool.permissions == StoragePermissions(mode: 0o711, owner: 0, group: nil))
        let out = StoragePoolXML.format(pool, usage: StoragePoolUsage(capacity: 10, allocation: 4, available: 6))
        #expect(out.contains("<capacity unit='bytes'>10</capacity>"))
        #expect(out.contains("<mode>0711</mode>"))
        #expect(try StoragePoolXML.parse(out) == pool)
        let check = try validate(out, schema: "storagepool")
        #expect(check.status == 0, "\(check.output)\n\(out)")
    }

    /// A logical pool takes its volume group and target from its name, as libvirt fills them in.
    @Test func logicalPoolGetsLibvirtsDefaults() throws {
        let pool = try StoragePoolXML.parse(
            "<pool type='logical'><name>vg</name><source><device path='/dev/loop9'/></source></pool>")
        #expect(pool.source.name == "vg")
        #expect(pool.source.format == "lvm2")
        #expect(pool.targetPath == "/dev/vg")
        let out = StoragePoolXML.format(pool, usage: nil)
        #expect(out.contains("<name>vg</name>\n    <format type='lvm2'/>"), "\(out)")
        #expect(try validate(out, schema: "storagepool").status == 0)
    }

    @Test(arguments: [
        ("<pool type='dir'><target><path>/x</path></target></pool>", "pool/name"),
        ("<pool type='dir'><name>a</name></pool>", "pool/target/path"),
        ("<pool type='dir'><name>a</name><uuid>nope</uuid><target><path>/x</path></target></pool>", "pool/uuid"),
        ("<pool type='weird'><name>a</name></pool>", "attribute 'type' in element 'pool': 'weird'"),
        ("<volume><name>a</name></volume>", "expected root element <pool>"),
    ])
    func badPoolNamesTheElement(xml: String, culprit: String) throws {
        let e = try #require(error { _ = try StoragePoolXML.parse(xml) })
        #expect(e.message.contains(culprit), "\(e.message)")
    }

    /// What `virsh vol-create-as p v.qcow2 1G --format qcow2 --allocation 0` sends.
    @Test func volCreateAsDocumentParses() throws {
        let v = try StorageVolumeXML.parse(
            """
            <volume>
              <name>v.qcow2</name>
              <capacity>1073741824</capacity>
              <allocation>0</allocation>
              <target>
                <format type='qcow2'/>
              </target>
            </volume>
            """)
        #expect(v.name == "v.qcow2")
        #expect(v.capacity == 1 << 30)
        #expect(v.allocation == 0)
        #expect(v.format == .qcow2)
    }

    @Test func volumeUnitsScale() throws {
        let v = try StorageVolumeXML.parse(
            "<volume><name>a</name><capacity unit='G'>2</capacity><allocation unit='MB'>3</allocation></volume>")
        #expect(v.capacity == 2 << 30)
        #expect(v.allocation == 3_000_000)
    }

    @Test func volumeRoundTripsAndValidates() throws {
        var v = StorageVolumeDefinition(name: "disk.qcow2", capacity: 1 << 30, format: .qcow2)
        v.key = "/p/disk.qcow2"
        v.path = "/p/disk.qcow2"
        v.allocation = 200_704
        v.physical = 196_616
        v.compat = "1.1"
        v.permissions = StoragePermissions(mode: 0o600, owner: 0, group: 0)
        v.backingStore = .init(path: "/p/base.qcow2", format: .qcow2)
        let out = StorageVolumeXML.format(v)
        let back = try StorageVolumeXML.parse(out)
        #expect(back.capacity == v.capacity && back.format == v.format && back.compat == v.compat)
        #expect(back.permissions == v.permissions && back.backingStore == v.backingStore)
        let check = try validate(out, schema: "storagevol")
        #expect(check.status == 0, "\(check.output)\n\(out)")
    }

    @Test(arguments: [
        ("<volume><capacity>1</capacity></volume>", "volume/name"),
        ("<volume><name>a/b</name></volume>", "volume/name"),
        ("<volume><name>a</name><capacity>lots</capacity></volume>", "volume/capacity"),
        ("<volume><name>a</name><capacity unit='parsec'>1</capacity></volume>", "unknown suffix 'parsec'"),
        ("<volume><name>a</name><capacity>1</capacity><target><format type='floppy'/></target></volume>", "volume/target/format"),
        ("<volume><name>a</name><backingStore/></volume>", "missing capacity element (<volume/capacity>"),
        ("<volume type='bogus'><name>a</name></volume>", "unknown volume type 'bogus'"),
        ("<volume><name>a</name><capacity>1</capacity><target><compat>x</compat></target></volume>", "compat"),
        ("<volume><name>a</name><capacity>1</capacity><target><format type='luks'/></target></volume>", "luks"),
    ])
    func badVolumeNamesTheElement(xml: String, culprit: String) throws {
        let e = try #require(error { _ = try StorageVolumeXML.parse(xml) })
        #expect(e.message.contains(culprit), "\(e.message)")
    }
}
