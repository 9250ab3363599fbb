import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// `domxml-to-native` of a definition whose interfaces need a tap the daemon makes only at start: libvirt prints a
/// command line for it too; SwiftVirt names the tap the interface would get.
@Suite struct NativePreviewTests {
    @Test func networkInterfacesAreShownWithTheirTapName() throws {
        var d = try DomainXML.parse(
            "<domain type='qemu'><name>p</name><memory>65536</memory><os><type>hvm</type></os><devices>"
                + "<interface type='user'/><interface type='network'><source network='default'/></interface>"
                + "</devices></domain>")
        try d.applyDefaults()
        var context = goldenContext
        #expect(throws: QEMUCommandLineError.self) { try QEMUCommandLine(definition: d, context: context) }
        context.preview = true
        let argv = try QEMUCommandLine(definition: d, context: context).arguments
        #expect(argv.contains("tap,id=hostnet1,ifname=vnet1,script=no,downscript=no"))
    }
}
