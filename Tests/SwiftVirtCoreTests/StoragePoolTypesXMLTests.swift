import Foundation
import SwiftVirtCore
import Testing

/// Every pool type libvirt 9.0 knows is read, filled in as libvirt fills it and written back in libvirt's order;
/// what the model does not read comes back where it was; libvirt's refusals come with its codes.
@Suite struct StoragePoolTypesXMLTests {
    static let documents: [(String, String)] = [
        ("fs", "<pool type='fs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'><name>f</name><source><device path='/dev/loop7'/><format type='ext4'/></source><target><path>/mnt/f/</path></target><fs:mount_opts><fs:option name='sync'/></fs:mount_opts></pool>"),
        ("netfs", "<pool type='netfs'><name>n</name><source><host name='nfs.example.com'/><dir path='/export//x/'/><format type='nfs'/><protocol ver='4'/></source><target><path>/mnt/n</path></target></pool>"),
        ("logical", "<pool type='logical'><name>vg0</name><source><device path='/dev/sdb1'/><device path='/dev/sdc1'/><format type='lvm2'/></source><target><path>/dev/vg0</path></target></pool>"),
        ("disk", "<pool type='disk'><name>d</name><source><device path='/dev/sdd' part_separator='no'/><format type='gpt'/></source><target><path>/dev</path></target></pool>"),
        ("iscsi", "<pool type='iscsi'><name>i</name><source><host name='10.0.0.1' port='3260'/><device path='iqn.2013-06.com.example:iscsi-pool'/><initiator><iqn name='iqn.2013-06.com.example:client'/></initiator><auth type='chap' username='u'><secret usage='libvirtiscsi'/></auth></source><target><path>/dev/disk/by-path</path></target></pool>"),
        ("iscsi-direct", "<pool type='iscsi-direct'><name>id</name><source><host name='10.0.0.1'/><device path='iqn.2013-06.com.example:iscsi-pool'/><initiator><iqn name='iqn.2013-06.com.example:client'/></initiator></source></pool>"),
        ("scsi", "<pool type='scsi'><name>s</name><source><adapter type='fc_host' parent='scsi_host5' wwnn='20000000c9831b4b' wwpn='10000000c9831b4b'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
        ("mpath", "<pool type='mpath'><name>m</name><target><path>/dev/mapper</path></target></pool>"),
        ("rbd", "<pool type='rbd' xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'><name>r</name><source><name>rbdpool</name><host name='1.2.3.4' port='6789'/><auth username='admin' type='ceph'><secret uuid='2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'/></auth></source><refresh><volume allocation='capacity'/></refresh><rbd:config_opts><rbd:option name='client_mount_timeout' value='45'/></rbd:config_opts></pool>"),
        ("sheepdog", "<pool type='sheepdog'><name>sd</name><source><host name='localhost' port='7000'/></source></pool>"),
        ("gluster", "<pool type='gluster'><name>g</name><source><host name='localhost'/><name>gv0</name></source></pool>"),
        ("zfs", "<pool type='zfs'><name>z</name><source><name>tank</name><device path='/dev/vdb'/></source></pool>"),
        ("vstorage", "<pool type='vstorage'><name>v</name><source><name>cluster</name></source><target><path>/mnt/v</path></target></pool>"),
        ("dir", "<pool type='dir'><name>dd</name><features><cow state='no'/></features><source><vendor name='acme'/></source><target><path>/var/d</path><permissions><mode>0755</mode><label>system_u:object_r:virt_image_t:s0</label></permissions></target></pool>"),
    ]

    func validate(_ xml: String) throws -> Int32 {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sv-\(UUID().uuidString).xml")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/virt-xml-validate")
        p.arguments = [file.path, "storagepool"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func everyTypeRoundTripsAndValidates() throws {
        for (type, xml) in Self.documents {
            let pool = try StoragePoolXML.parse(xml)
            #expect(pool.type.rawValue == type)
            let out = StoragePoolXML.format(pool, usage: nil)
            #expect(try StoragePoolXML.parse(out) == pool, "\(type)")
            #expect(StoragePoolXML.format(try StoragePoolXML.parse(out), usage: nil) == out, "\(type)")
            #expect(try validate(out) == 0, "\(type)\n\(out)")
        }
    }

    @Test func libvirtsDefaultsAndOrder() throws {
        let netfs = try StoragePoolXML.parse(Self.documents[1].1)
        #expect(netfs.source.dir == "/export/x")
        let gluster = try StoragePoolXML.parse(Self.documents[10].1)
        #expect(gluster.source.dir == "/")
        let zfs = try StoragePoolXML.parse(Self.documents[11].1)
        #expect(zfs.targetPath == "/dev/zvol/tank")
        let rbd = StoragePoolXML.format(try StoragePoolXML.parse(Self.documents[8].1), usage: nil)
        // hosts before name, as libvirt writes a source; no target for network pools.
        let host = try #require(rbd.range(of: "<host name='1.2.3.4' port='6789'/>"))
        let name = try #require(rbd.range(of: "<name>rbdpool</name>"))
        #expect(host.lowerBound < name.lowerBound)
        #expect(!rbd.contains("<target>"))
        let fs = StoragePoolXML.format(try StoragePoolXML.parse(Self.documents[0].1), usage: nil)
        #expect(fs.contains("<pool type='fs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'>"))
        #expect(fs.contains("<fs:option name='sync'/>"))
        #expect(fs.contains("<path>/mnt/f</path>"))
    }

    /// libvirt reads no unknown element and drops it; here it is kept in place.
    @Test func unknownContentIsKeptInPlace() throws {
        let pool = try StoragePoolXML.parse(
            "<pool type='dir' extra='1'><name>a</name><gizmo x='y'><deep/></gizmo><source><thing/></source>"
                + "<target><path>/a</path><note>n</note></target></pool>")
        let out = StoragePoolXML.format(pool, usage: nil)
        #expect(out.contains("<pool type='dir' extra='1'>"))
        #expect(out.contains("<gizmo x='y'>\n    <deep/>\n  </gizmo>"), "\(out)")
        #expect(out.contains("<source>\n    <thing/>\n  </source>"), "\(out)")
        #expect(out.contains("<path>/a</path>\n    <note>n</note>"), "\(out)")
        #expect(try StoragePoolXML.parse(out) == pool)
    }

    @Test(arguments: [
        ("<pool type='netfs'><name>n</name><source><dir path='/x'/></source><target><path>/m</path></target></pool>",
         VirtErrorCode.xmlError, "missing storage pool source host name"),
        ("<pool type='netfs'><name>n</name><source><host name='h'/></source><target><path>/m</path></target></pool>",
         .xmlError, "missing storage pool source path"),
        ("<pool type='fs'><name>f</name><target><path>/m</path></target></pool>",
         .xmlError, "missing storage pool source device name"),
        ("<pool type='fs'><name>f</name><source><device path='/d'/><format type='ntfs'/></source><target><path>/m</path></target></pool>",
         .configUnsupported, "unknown pool format type ntfs"),
        ("<pool type='logical'><name>l</name><features><cow state='yes'/></features></pool>",
         .noSupport, "cow feature may only be used for 'fs' and 'dir' pools"),
        ("<pool type='rbd'><source><host name='h'/></source></pool>", .xmlError, "element 'name' is mandatory for RBD pool"),
        ("<pool type='iscsi-direct'><name>i</name><source><host name='h'/><device path='iqn.2013-06.com.example:x'/></source></pool>",
         .configUnsupported, "missing initiator IQN"),
        ("<pool type='scsi'><name>s</name><source/><target><path>/d</path></target></pool>",
         .xmlError, "missing storage pool source adapter"),
        ("<pool type='dir'><name>d</name><target><path>/d</path><permissions><mode>1777</mode></permissions></target></pool>",
         .xmlError, "malformed octal mode"),
        ("<pool type='netfs'><name>n</name><source><host name='h'/><dir path='/x'/><format type='cifs'/><protocol ver='3'/></source><target><path>/m</path></target></pool>",
         .configUnsupported, "storage pool protocol ver unsupported for pool type 'cifs'"),
        ("<pool type='dir'><name>a/b</name><target><path>/d</path></target></pool>", .xmlError, "name a/b cannot contain '/'"),
        ("<pool type='iscsi'><name>i</name><source><host name='h'/><device path='iqn.2013-06.com.example:x'/><auth type='chap'><secret usage='u'/></auth></source><target><path>/d</path></target></pool>",
         .xmlError, "missing username for auth"),
    ])
    func refusedAsLibvirt(xml: String, code: VirtErrorCode, text: String) throws {
        do {
            _ = try StoragePoolXML.parse(xml)
            Issue.record("accepted: \(xml)")
        } catch {
            #expect(error.virtError.code == code, "\(error)")
            #expect(error.virtError.domain == .storage)
            #expect(error.virtError.message.contains(text), "\(error)")
            #expect(error.virtError.message.contains("(<pool"), "names the element: \(error)")
        }
    }

    @Test func volumeFormatsFollowThePoolType() throws {
        let part = try StorageVolumeXML.parse(
            "<volume><name>sdb1</name><capacity>1048576</capacity><target><format type='linux'/></target></volume>",
            poolType: .disk)
        #expect(part.formatName == "linux")
        // logical volumes have no format: libvirt does not read one.
        let lv = try StorageVolumeXML.parse(
            "<volume><name>lv</name><capacity>1048576</capacity><target><format type='whatever'/></target></volume>",
            poolType: .logical)
        #expect(lv.format == nil && lv.formatName == nil)
        let q = try StorageVolumeXML.parse(
            "<volume><name>q</name><capacity>1</capacity><target><format type='qcow2'/><nocow/>"
                + "<clusterSize unit='KiB'>64</clusterSize><features><extended_l2/></features></target></volume>")
        #expect(q.compat == "1.1" && q.extendedL2 && q.nocow && q.clusterSize == 65536)
    }
}
