import Testing

@testable import SwiftVirtCore

@Suite struct DeviceEditTests {
    static let domain = """
        <domain type='qemu'>
          <name>d</name>
          <devices>
            <disk type='file' device='disk'>
              <source file='/a.img'/>
              <target dev='vda' bus='virtio'/>
            </disk>
            <interface type='user'>
              <mac address='52:54:00:00:00:01'/>
            </interface>
            <interface type='user'>
              <mac address='52:54:00:00:00:02'/>
            </interface>
            <watchdog model='i6300esb'/>
          </devices>
        </domain>
        """

    func device(_ xml: String) throws -> DeviceEdit.Device { try DeviceEdit.Device(xml: xml) }

    @Test func attachPutsTheDeviceIntoDevicesAndRefusesATakenTarget() throws {
        let disk = try device("<disk type='file'><source file='/b.img'/><target dev='vdb'/></disk>")
        let out = try DeviceEdit.apply(.attach, disk, toConfig: Self.domain)
        #expect(out.contains("    <disk type='file'><source file='/b.img'/><target dev='vdb'/></disk>\n  </devices>"))
        let again = try device("<disk type='file'><source file='/c.img'/><target dev='vda'/></disk>")
        #expect(throws: VirtError(.operationInvalid, detail: "target vda already exists")) {
            try DeviceEdit.apply(.attach, again, toConfig: Self.domain)
        }
        #expect(throws: VirtError(.operationInvalid, detail: "domain already has a watchdog")) {
            try DeviceEdit.apply(.attach, try device("<watchdog model='ib700'/>"), toConfig: Self.domain)
        }
    }

    @Test func detachRemovesExactlyTheMatchingElementsLines() throws {
        let out = try DeviceEdit.apply(.detach, try device("<interface type='user'><mac address='52:54:00:00:00:02'/></interface>"), toConfig: Self.domain)
        #expect(!out.contains("00:02") && out.contains("00:01") && out.contains("<watchdog"))
        let disk = try DeviceEdit.apply(.detach, try device("<disk><target dev='vda'/></disk>"), toConfig: Self.domain)
        #expect(!disk.contains("<disk") && !disk.contains("/a.img") && disk.contains("<interface"))
    }

    @Test func interfacesAreFoundAsLibvirtFindsThem() throws {
        // Two interfaces and no MAC: ambiguous.
        #expect(throws: VirtError(.operationFailed, detail: "multiple matching devices found")) {
            try DeviceEdit.apply(.detach, try device("<interface type='user'/>"), toConfig: Self.domain)
        }
        #expect(
            throws: VirtError(
                .deviceMissing,
                detail: "no device found at address '(<null>)' matching MAC address '52:54:00:00:00:09' and alias '(<null>)'")
        ) {
            try DeviceEdit.apply(.detach, try device("<interface type='user'><mac address='52:54:00:00:00:09'/></interface>"), toConfig: Self.domain)
        }
    }

    @Test func kindsEachOperationRefuses() throws {
        #expect(throws: VirtError(.operationUnsupported, detail: "persistent attach of device 'video' is not supported")) {
            try DeviceEdit.apply(.attach, try device("<video/>"), toConfig: Self.domain)
        }
        #expect(throws: VirtError(.operationUnsupported, detail: "persistent update of device 'rng' is not supported")) {
            try DeviceEdit.apply(.update, try device("<rng model='virtio'/>"), toConfig: Self.domain)
        }
        #expect(throws: VirtError(.configUnsupported, detail: "unknown device type 'foo'")) { try device("<foo/>") }
        #expect(try device("<console type='pty'/>").kind == "chr")
        #expect(throws: VirtError(.invalidArg, detail: "target vdz doesn't exist.")) {
            try DeviceEdit.apply(.update, try device("<disk><target dev='vdz'/></disk>"), toConfig: Self.domain)
        }
    }
}
