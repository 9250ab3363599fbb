import Foundation

/// Pool documents written from libvirt's storage pool format page and schema, one or more per pool type and
/// element family, for the side-by-side comparison with libvirtd and the backend tests.
enum StorageXMLCorpus {
    static let typeNumbers: [String: Int] = [
        "dir": 0, "fs": 1, "netfs": 2, "logical": 3, "disk": 4, "iscsi": 5, "iscsi-direct": 6, "scsi": 7,
        "mpath": 8, "rbd": 9, "sheepdog": 10, "gluster": 11, "zfs": 12, "vstorage": 13,
    ]

    static let unbackedPools: [(String, String)] = [
        ("iscsi", "<pool type='iscsi'><name>nb0</name><source><host name='192.0.2.1' port='3260'/><device path='iqn.2013-06.com.example:iscsi-pool'/><initiator><iqn name='iqn.2013-06.com.example:client'/></initiator><auth type='chap' username='myuser'><secret usage='libvirtiscsi'/></auth><vendor name='acme'/><product name='widget'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
        ("iscsi-direct", "<pool type='iscsi-direct'><name>nb1</name><source><host name='192.0.2.1'/><device path='iqn.2013-06.com.example:iscsi-pool'/><initiator><iqn name='iqn.2013-06.com.example:client'/></initiator></source></pool>"),
        ("scsi", "<pool type='scsi'><name>nb2</name><source><adapter type='scsi_host' name='scsi_host2'/></source><target><path>/dev/disk/by-path</path><permissions><mode>0700</mode><owner>0</owner><group>0</group></permissions></target></pool>"),
        ("mpath", "<pool type='mpath'><name>nb3</name><target><path>/dev/mapper</path></target></pool>"),
        ("rbd", "<pool type='rbd' xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'><name>nb4</name><source><name>rbdpool</name><host name='192.0.2.1' port='6789'/><host name='192.0.2.2' port='6789'/><auth type='ceph' username='admin'><secret uuid='2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'/></auth></source><refresh><volume allocation='capacity'/></refresh><rbd:config_opts><rbd:option name='client_mount_timeout' value='45'/></rbd:config_opts></pool>"),
        ("sheepdog", "<pool type='sheepdog'><name>nb5</name><source><name>sheep</name><host name='localhost' port='7000'/></source></pool>"),
        ("gluster", "<pool type='gluster'><name>nb6</name><source><host name='localhost'/><name>gv0</name><dir path='/images'/></source></pool>"),
        ("zfs", "<pool type='zfs'><name>nb7</name><source><name>tank</name><device path='/dev/vdb'/></source></pool>"),
        ("vstorage", "<pool type='vstorage'><name>nb8</name><source><name>cluster</name></source><target><path>/mnt/vstorage</path></target></pool>"),
    ]

    /// Documents both daemons accept; `NAME` and `UUID` are filled in per side.
    static let accepted: [String] = [
        "<pool type='dir'><name>NAME</name><uuid>UUID</uuid><features><cow state='no'/></features><source><vendor name='acme'/><product name='box'/></source><target><path>/var/lib/NAME//</path><permissions><mode>0755</mode><owner>107</owner><group>-1</group><label>system_u:object_r:virt_image_t:s0</label></permissions></target></pool>",
        "<pool type='fs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'><name>NAME</name><uuid>UUID</uuid><source><device path='/dev/vdb1'/><format type='xfs'/></source><target><path>/mnt/NAME</path></target><fs:mount_opts><fs:option name='sync'/><fs:option name='lazytime'/></fs:mount_opts></pool>",
        "<pool type='fs'><name>NAME</name><uuid>UUID</uuid><source><device path='/dev/vdb2'/></source><target><path>/mnt/NAME</path></target></pool>",
        "<pool type='netfs'><name>NAME</name><uuid>UUID</uuid><source><host name='nfs.example.com'/><dir path='/var/lib/virt/images'/><format type='nfs'/><protocol ver='3'/></source><target><path>/var/lib/virt/NAME</path></target></pool>",
        "<pool type='netfs'><name>NAME</name><uuid>UUID</uuid><source><host name='smb.example.com'/><dir path='share'/><format type='cifs'/></source><target><path>/mnt/NAME</path></target></pool>",
        "<pool type='netfs'><name>NAME</name><uuid>UUID</uuid><source><host name='g.example.com'/><dir path='/gv0'/><format type='glusterfs'/></source><target><path>/mnt/NAME</path></target></pool>",
        "<pool type='logical'><name>NAME</name><uuid>UUID</uuid><source><device path='/dev/sdb1'/><device path='/dev/sdc1'/><name>HostVG</name><format type='lvm2'/></source><target><path>/dev/HostVG</path></target></pool>",
        "<pool type='logical'><name>NAME</name><uuid>UUID</uuid><source><device path='/dev/sdd1'/></source><target><path>/ignored</path></target></pool>",
        "<pool type='disk'><name>NAME</name><uuid>UUID</uuid><source><device path='/dev/sde' part_separator='yes'/><format type='gpt'/></source><target><path>/dev</path></target></pool>",
        "<pool type='disk'><name>NAME</name><uuid>UUID</uuid><source><device path='/dev/sdf'/></source><target><path>/dev</path></target></pool>",
        "<pool type='iscsi'><name>NAME</name><uuid>UUID</uuid><source><host name='192.0.2.1' port='3260'/><device path='iqn.2013-06.com.example:iscsi-pool'/><initiator><iqn name='iqn.2013-06.com.example:client'/></initiator><auth type='chap' username='myuser'><secret usage='libvirtiscsi'/></auth></source><target><path>/dev/disk/by-path</path></target></pool>",
        "<pool type='iscsi-direct'><name>NAME</name><uuid>UUID</uuid><source><host name='192.0.2.1'/><device path='iqn.2013-06.com.example:iscsi-pool'/><initiator><iqn name='iqn.2013-06.com.example:client'/></initiator></source></pool>",
        "<pool type='scsi'><name>NAME</name><uuid>UUID</uuid><source><adapter type='fc_host' parent='scsi_host5' managed='yes' wwnn='20000000c9831b4b' wwpn='10000000c9831b4b'/></source><target><path>/dev/disk/by-path</path></target></pool>",
        "<pool type='scsi'><name>NAME</name><uuid>UUID</uuid><source><adapter name='host0'/></source><target><path>/dev/disk/by-path</path></target></pool>",
        "<pool type='mpath'><name>NAME</name><uuid>UUID</uuid><target><path>/dev/mapper</path></target></pool>",
        "<pool type='rbd' xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'><name>NAME</name><uuid>UUID</uuid><source><name>rbdpool</name><host name='192.0.2.1' port='6789'/><auth username='admin' type='ceph'><secret uuid='2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'/></auth></source><refresh><volume allocation='capacity'/></refresh><rbd:config_opts><rbd:option name='client_mount_timeout' value='45'/></rbd:config_opts></pool>",
        "<pool type='gluster'><name>NAME</name><uuid>UUID</uuid><source><host name='localhost'/><name>gv0</name></source></pool>",
        "<pool type='zfs'><name>NAME</name><uuid>UUID</uuid><source><name>tank</name><device path='/dev/vdb'/></source></pool>",
    ]

    /// Documents both refuse: the message of libvirtd's error (after its prefix) must start ours.
    static let refused: [String] = [
        "<pool type='netfs'><name>NAME</name><source><dir path='/x'/></source><target><path>/m</path></target></pool>",
        "<pool type='netfs'><name>NAME</name><source><host name='h'/></source><target><path>/m</path></target></pool>",
        "<pool type='fs'><name>NAME</name><target><path>/m</path></target></pool>",
        "<pool type='fs'><name>NAME</name><source><device path='/d'/><format type='ntfs'/></source><target><path>/m</path></target></pool>",
        "<pool type='logical'><name>NAME</name><features><cow state='yes'/></features><source><device path='/d'/></source></pool>",
        "<pool type='iscsi-direct'><name>NAME</name><source><host name='h'/><device path='iqn.2013-06.com.example:x'/></source></pool>",
        "<pool type='scsi'><name>NAME</name><source/><target><path>/d</path></target></pool>",
        "<pool type='dir'><name>NAME</name><target><path>/d</path><permissions><mode>1777</mode></permissions></target></pool>",
        "<pool type='netfs'><name>NAME</name><source><host name='h'/><dir path='/x'/><format type='cifs'/><protocol ver='3'/></source><target><path>/m</path></target></pool>",
        "<pool type='netfs'><name>NAME</name><source><host name='h'/><dir path='/x'/><protocol ver='3,4'/></source><target><path>/m</path></target></pool>",
        "<pool type='dir'><name>NAME/x</name><target><path>/d</path></target></pool>",
        "<pool type='dir'><name>NAME</name></pool>",
        "<pool type='dir'><name>NAME</name><uuid>nope</uuid><target><path>/d</path></target></pool>",
        "<pool type='iscsi'><name>NAME</name><source><host name='h'/><device path='iqn.2013-06.com.example:x'/><auth type='chap'><secret usage='u'/></auth></source><target><path>/d</path></target></pool>",
        "<pool type='iscsi'><name>NAME</name><source><host name='h'/><device path='iqn.2013-06.com.example:x'/><auth type='chap' username='u'/></source><target><path>/d</path></target></pool>",
        "<pool type='scsi'><name>NAME</name><source><adapter type='fc_host' wwnn='20000000c9831b4b'/></source><target><path>/d</path></target></pool>",
        "<pool type='scsi'><name>NAME</name><source><adapter type='scsi_host'/></source><target><path>/d</path></target></pool>",
        "<pool type='dir'><name>NAME</name><target><path>/d</path></target><refresh><volume allocation='lots'/></refresh></pool>",
        "<pool type='fs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'><name>NAME</name><source><device path='/d'/></source><target><path>/m</path></target><fs:mount_opts><fs:option/></fs:mount_opts></pool>",
        "<pool type='weird'><name>NAME</name></pool>",
    ]
}
