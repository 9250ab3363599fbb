import Foundation
import SwiftVirtCore
import Testing

/// `<graphics>`, `<video>`, `<sound>`, `<audio>`, `<redirdev>` and `<watchdog>` as libvirtd 9.0 stores them. The
/// expected texts are what `virsh dumpxml --inactive` printed on Debian's libvirtd for the same input.
@Suite struct GraphicsSoundXMLTests {
    static func completed(_ devices: String, machine: String = "q35") throws -> DomainDefinition {
        var d = try DomainXML.parse(
            "<domain type='qemu'><name>t</name><memory>65536</memory><os><type machine='\(machine)'>hvm</type></os>"
                + "<devices>\(devices)</devices></domain>")
        try d.applyDefaults()
        try d.validate()
        return d
    }

    /// The lines of `<devices>` of the stored definition, indentation removed.
    static func deviceLines(_ d: DomainDefinition, runtime: DomainRuntimeInfo? = nil) -> [String] {
        let xml = DomainXML.format(d, runtime: runtime)
        let lines = xml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let start = lines.firstIndex(of: "<devices>"), let end = lines.firstIndex(of: "</devices>") else {
            return []
        }
        return Array(lines[(start + 1)..<end])
    }

    static func block(_ lines: [String], from opening: String) -> [String] {
        guard let start = lines.firstIndex(where: { $0.hasPrefix(opening) }) else { return [] }
        let name = opening.dropFirst().prefix { $0 != " " && $0 != ">" && $0 != "/" }
        if lines[start].hasSuffix("/>") { return [lines[start]] }
        guard let end = lines[start...].firstIndex(of: "</\(name)>") else { return [] }
        return Array(lines[start...end])
    }

    @Test func virtInstallSpiceDisplayIsStoredAsLibvirtDoes() throws {
        let d = try Self.completed(
            "<graphics type='spice' port='-1' tlsPort='-1' autoport='yes'><image compression='off'/></graphics>"
                + "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>"
                + "<sound model='ich9'/><redirdev bus='usb' type='spicevmc'/><redirdev bus='usb' type='spicevmc'/>"
                + "<input type='tablet' bus='usb'/>")
        let lines = Self.deviceLines(d)
        #expect(
            Self.block(lines, from: "<graphics")
                == [
                    "<graphics type='spice' autoport='yes'>", "<listen type='address'/>",
                    "<image compression='off'/>", "</graphics>",
                ])
        #expect(lines.contains("<audio id='1' type='spice'/>"))
        #expect(
            Self.block(lines, from: "<sound")
                == [
                    "<sound model='ich9'>",
                    "<address type='pci' domain='0x0000' bus='0x00' slot='0x1b' function='0x0'/>", "</sound>",
                ])
        #expect(
            Self.block(lines, from: "<channel type='spicevmc'")
                == [
                    "<channel type='spicevmc'>", "<target type='virtio' name='com.redhat.spice.0'/>",
                    "<address type='virtio-serial' controller='0' bus='0' port='1'/>", "</channel>",
                ])
        // USB ports: the tablet first, then the redirected devices (virDomainUSBDeviceDefForeach's order).
        #expect(d.devices.inputs.first { $0.type == .tablet }?.address == .usb(USBAddress(bus: 0, port: "1")))
        #expect(d.devices.redirdevs.map(\.address) == [.usb(USBAddress(bus: 0, port: "2")), .usb(USBAddress(bus: 0, port: "3"))])
        #expect(d.devices.redirdevs.map(\.alias) == ["redir0", "redir1"])
        #expect(d.devices.videos.map(\.model) == [.cirrus])
        // Stored again, nothing changes.
        var again = try DomainXML.parse(DomainXML.format(d))
        try again.applyDefaults()
        #expect(again == d)
    }

    /// A TCP redirector's `tls` is kept as written (libvirt writes it for a hot-plugged one).
    @Test func redirdevTLSChoiceIsKept() throws {
        let d = try Self.completed(
            "<redirdev bus='usb' type='tcp'><source mode='bind' host='127.0.0.1' service='4000' tls='no'/></redirdev>")
        #expect(d.devices.redirdevs.first?.backend.source?.tls == false)
        #expect(Self.deviceLines(d).contains("<source mode='bind' host='127.0.0.1' service='4000' tls='no'/>"))
    }

    @Test func spiceWithoutPortsOrAutoportListensNowhere() throws {
        let d = try Self.completed("<graphics type='spice' listen='1.2.3.4'/>")
        #expect(
            Self.block(Self.deviceLines(d), from: "<graphics")
                == ["<graphics type='spice'>", "<listen type='none'/>", "</graphics>"])
    }

    @Test func spiceOptionsComeBackInLibvirtsOrder() throws {
        let d = try Self.completed(
            "<graphics type='spice' port='5930' autoport='no' listen='0.0.0.0' keymap='de' defaultMode='insecure'>"
                + "<gl enable='no'/><mouse mode='client'/><channel name='inputs' mode='insecure'/>"
                + "<channel name='main' mode='secure'/><channel name='display' mode='any'/>"
                + "<filetransfer enable='no'/><clipboard copypaste='no'/><streaming mode='filter'/>"
                + "<playback compression='on'/><zlib compression='always'/><jpeg compression='never'/>"
                + "<image compression='auto_glz'/><listen type='address' address='0.0.0.0'/></graphics>")
        #expect(
            Self.block(Self.deviceLines(d), from: "<graphics")
                == [
                    "<graphics type='spice' port='5930' autoport='no' listen='0.0.0.0' keymap='de' defaultMode='insecure'>",
                    "<listen type='address' address='0.0.0.0'/>", "<channel name='main' mode='secure'/>",
                    "<channel name='inputs' mode='insecure'/>", "<image compression='auto_glz'/>",
                    "<jpeg compression='never'/>", "<zlib compression='always'/>", "<playback compression='on'/>",
                    "<streaming mode='filter'/>", "<mouse mode='client'/>", "<clipboard copypaste='no'/>",
                    "<filetransfer enable='no'/>", "<gl enable='no'/>", "</graphics>",
                ])
    }

    @Test func listenAttributeMustMatchTheFirstListen() throws {
        #expect(throws: DomainXMLError.self) {
            _ = try Self.completed(
                "<graphics type='spice' autoport='yes' listen='1.1.1.1'><listen type='address' address='2.2.2.2'/></graphics>")
        }
        let socket = try Self.completed("<graphics type='vnc' socket='/run/x.sock'/>")
        #expect(socket.devices.graphics.first?.listens == [Graphics.Listen(type: .socket, socket: "/run/x.sock")])
        #expect(Self.deviceLines(socket).contains("<graphics type='vnc' socket='/run/x.sock'>"))
    }

    @Test func liveXMLShowsTheAllocatedSpicePort() throws {
        let d = try Self.completed("<graphics type='spice' autoport='yes'/>")
        let live = Self.deviceLines(d, runtime: DomainRuntimeInfo(id: 2, spicePort: 5907))
        #expect(live.contains("<graphics type='spice' port='5907' autoport='yes'>"), "\(live)")
        #expect(Self.deviceLines(d).contains("<graphics type='spice' autoport='yes'>"))
    }

    /// qemuDomainDefSuggestDefaultAudioBackend: the last VNC, SPICE or SDL display decides.
    @Test(arguments: [
        ("", "none"), ("<graphics type='vnc'/>", "none"), ("<graphics type='spice'/>", "spice"),
        ("<graphics type='vnc'/><graphics type='spice'/>", "spice"),
        ("<graphics type='spice'/><graphics type='vnc'/>", "none"), ("<graphics type='sdl'/>", ""),
        ("<graphics type='egl-headless'/>", ""), ("<graphics type='spice'/><graphics type='dbus'/>", "spice"),
    ])
    func defaultAudioBackend(graphics: String, expected: String) throws {
        let d = try Self.completed(graphics, machine: "pc")
        #expect(d.devices.audios.map(\.type.rawValue) == (expected.isEmpty ? [] : [expected]))
    }

    @Test func videoDefaultsAndOrder() throws {
        let d = try Self.completed(
            "<graphics type='vnc'/><video><model type='virtio' heads='2'/></video>"
                + "<video><model type='qxl' primary='yes' vram='40000'/></video>")
        #expect(
            Self.block(Self.deviceLines(d), from: "<video")
                == [
                    "<video>", "<model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1' primary='yes'/>",
                    "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>", "</video>",
                ])
        #expect(d.devices.videos.map(\.model) == [.qxl, .virtio])
        #expect(d.devices.videos[1].heads == 2 && d.devices.videos[1].primary == nil)
        let implicit = try Self.completed("<graphics type='vnc'/><video/>")
        #expect(implicit.devices.videos.map(\.model) == [.cirrus])
        #expect(implicit.devices.videos.first?.vram == 16384)
    }

    @Test func soundCodecsAndAudioBackends() throws {
        let d = try Self.completed(
            "<sound model='ac97'><codec type='micro'/></sound><sound model='ich6'><codec type='output'/>"
                + "<codec type='duplex'/><audio id='2'/></sound>"
                + "<audio id='1' type='none'/><audio id='2' type='file' path='/tmp/a.wav' timerPeriod='100'/>",
            machine: "pc")
        let lines = Self.deviceLines(d)
        // libvirt reads codecs of HDA cards only, and drops them elsewhere.
        #expect(Self.block(lines, from: "<sound model='ac97'").count == 3)
        #expect(
            Self.block(lines, from: "<sound model='ich6'").prefix(4)
                == ["<sound model='ich6'>", "<codec type='output'/>", "<codec type='duplex'/>", "<audio id='2'/>"])
        #expect(lines.contains("<audio id='2' type='file' timerPeriod='100' path='/tmp/a.wav'/>"))
        // pipewire came after libvirt 9.0.
        #expect(throws: DomainXMLError.self) { _ = try Self.completed("<audio id='1' type='pipewire'/>") }
    }

    @Test func redirdevOverTCPGetsItsProtocolAndBootOrder() throws {
        let d = try Self.completed(
            "<redirdev bus='usb' type='tcp'><source mode='connect' host='h' service='4000'/><boot order='1'/>"
                + "</redirdev>", machine: "pc")
        #expect(
            Self.block(Self.deviceLines(d), from: "<redirdev")
                == [
                    "<redirdev bus='usb' type='tcp'>", "<source mode='connect' host='h' service='4000'/>",
                    "<protocol type='raw'/>", "<boot order='1'/>", "<address type='usb' bus='0' port='1'/>",
                    "</redirdev>",
                ])
        // A device's boot order replaces the implicit <boot dev='hd'/>.
        #expect(d.os.bootDevices.isEmpty)
        // A pty-backed redirdev is not typed: kept whole, written back as it came.
        let kept = try DomainXML.parse(
            "<domain type='qemu'><name>t</name><memory>65536</memory><os><type>hvm</type></os><devices>"
                + "<redirdev bus='usb' type='pty'/></devices></domain>")
        #expect(kept.devices.redirdevs.isEmpty)
        #expect(kept.kept["domain/devices"]?.elements.map(\.element.name) == ["redirdev"])
    }

    @Test func watchdogModelsOfLibvirt90() throws {
        let itco = try #require(throws: DomainXMLError.self) { try Self.completed("<watchdog model='itco'/>") }
        #expect(itco.virtError.code == .configUnsupported)
        #expect(itco.virtError.message.contains("unknown watchdog model 'itco'"), "\(itco)")
        let esb = try Self.completed("<watchdog model='i6300esb' action='dump'/>", machine: "pc")
        #expect(esb.devices.watchdog?.action == .dump)
        #expect(esb.devices.watchdog?.address?.pci != nil)
    }

    @Test func xhciPortsAreKeptOnTheController() throws {
        let d = try Self.completed("<controller type='usb' model='qemu-xhci' ports='15'/>")
        #expect(Self.deviceLines(d).contains { $0.hasPrefix("<controller type='usb' index='0' model='qemu-xhci' ports='15'>") })
    }

    @Test func formattedDocumentsPassVirtXMLValidate() throws {
        let d = try Self.completed(
            "<graphics type='spice' autoport='yes'><image compression='off'/><gl enable='no'/></graphics>"
                + "<graphics type='vnc'><listen type='none'/></graphics>"
                + "<channel type='spiceport'><source channel='org.qemu.console.serial.0'/>"
                + "<target type='virtio' name='org.qemu.console.serial.0'/></channel>"
                + "<video><model type='qxl'/></video><sound model='ich9'><codec type='micro'/></sound>"
                + "<redirdev bus='usb' type='spicevmc'/><watchdog model='ib700' action='inject-nmi'/>")
        let (status, output) = try virtXMLValidate(DomainXML.format(d))
        #expect(status == 0, "\(output)")
    }
}
