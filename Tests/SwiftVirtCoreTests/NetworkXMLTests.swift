import Foundation
import Testing

@testable import SwiftVirtCore

@Suite struct NetworkXMLTests {
    static let nat = """
        <network>
          <name>lab</name>
          <uuid>6b2a3b6e-5f1c-4c55-9e2d-2f0f7f0c1a11</uuid>
          <forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>
          <bridge name='svbr7' stp='on' delay='0'/>
          <mtu size='1400'/>
          <mac address='52:54:00:12:34:56'/>
          <domain name='lab.test'/>
          <dns><host ip='10.77.0.50'><hostname>db</hostname><hostname>db.lab.test</hostname></host></dns>
          <ip address='10.77.0.1' netmask='255.255.255.0'>
            <dhcp>
              <range start='10.77.0.100' end='10.77.0.200'/>
              <host mac='52:54:00:aa:bb:cc' name='fixed' ip='10.77.0.10'/>
            </dhcp>
          </ip>
          <ip family='ipv6' address='fd00:77::1' prefix='64'/>
        </network>
        """

    @Test func natNetworkRoundTrips() throws {
        let n = try NetworkXML.parse(Self.nat)
        #expect(n.name == "lab")
        #expect(n.forward?.mode == .nat)
        #expect(n.forward?.natPorts == 1024...65535)
        #expect(n.bridge == NetworkBridge(name: "svbr7", stp: true, delay: 0))
        #expect(n.ips.count == 2)
        #expect(n.ips[0].prefix == 24)
        #expect(n.ips[0].dhcpHosts.first?.ip == IPAddress("10.77.0.10"))
        #expect(n.ips[1].address.description == "fd00:77::1")
        let text = NetworkXML.format(n)
        #expect(try NetworkXML.parse(text) == n)
        #expect(text.contains("<ip address='10.77.0.1' netmask='255.255.255.0'>"))
        #expect(text.contains("<ip family='ipv6' address='fd00:77::1' prefix='64'/>"))
    }

    /// The formatted output must pass libvirt's own schema check.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/virt-xml-validate")))
    func outputPassesVirtXMLValidate() throws {
        let docs = [
            Self.nat,
            "<network><name>iso</name><bridge name='svbr9'/><ip address='10.9.0.1' prefix='24'/></network>",
            "<network><name>br</name><forward mode='bridge'/><bridge name='br0'/></network>",
            "<network><name>rt</name><forward mode='route' dev='eth0'/><ip address='10.8.0.1' prefix='24'/></network>",
        ]
        for doc in docs {
            let path = NSTemporaryDirectory() + "net-\(UUID().uuidString).xml"
            try NetworkXML.format(try NetworkXML.parse(doc)).write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/virt-xml-validate")
            p.arguments = [path, "network"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "virt-xml-validate rejected: \(doc)")
        }
    }

    private func message(_ xml: String) -> String {
        do {
            _ = try NetworkXML.parse(xml)
            return ""
        } catch { return error.virtError.message }
    }

    @Test func errorsNameTheElement() {
        #expect(message("<network/>").contains("network/name"))
        #expect(message("<domain><name>x</name></domain>").contains("<network>"))
        let outside = message(
            "<network><name>a</name><ip address='10.1.0.1' prefix='24'><dhcp><range start='10.1.0.10' end='10.2.0.9'/></dhcp></ip></network>"
        )
        #expect(
            outside.contains("network/ip/dhcp/range") && outside.contains("outside") && outside.contains("10.2.0.9"))
        let reversed = message(
            "<network><name>a</name><ip address='10.1.0.1' prefix='24'><dhcp><range start='10.1.0.90' end='10.1.0.10'/></dhcp></ip></network>"
        )
        #expect(reversed.contains("after end"))
        #expect(message("<network><name>a</name><forward mode='vepa'/></network>").contains("network/forward"))
        #expect(message("<network><name>a</name><bogus/></network>").contains("network/bogus"))
        #expect(message("<network><name>a</name><ip address='10.1.0.300'/></network>").contains("'address'"))
        #expect(message("<network><name>a</name><bridge name='a-very-long-bridge-name'/></network>").contains("15"))
        #expect(
            message(
                "<network><name>a</name><ip address='10.1.0.1' prefix='24'/><ip address='10.1.0.2' prefix='16'/></network>"
            )
            .contains("overlaps"))
        #expect(message("<network><name>a</name><forward mode='bridge'/></network>").contains("'name'"))
    }

    @Test func conflictsAcrossNetworks() throws {
        let a = try NetworkXML.parse(
            "<network><name>a</name><bridge name='b0'/><ip address='10.1.0.1' prefix='16'/></network>")
        let b = try NetworkXML.parse(
            "<network><name>b</name><bridge name='b1'/><ip address='10.1.5.1' prefix='24'/></network>")
        let c = try NetworkXML.parse("<network><name>c</name><bridge name='b0'/></network>")
        let d = try NetworkXML.parse("<network><name>d</name><ip address='10.2.0.1' prefix='24'/></network>")
        #expect(NetworkValidation.conflict(b, with: a)?.contains("overlaps") == true)
        #expect(NetworkValidation.conflict(c, with: a)?.contains("bridge name 'b0'") == true)
        #expect(NetworkValidation.conflict(d, with: a) == nil)
    }

    @Test func dhcpHostParsing() throws {
        let h = try NetworkXML.parseDHCPHost("<host mac='52:54:00:00:00:01' ip='10.0.0.5'/>")
        #expect(h.ip == IPAddress("10.0.0.5"))
        #expect(throws: DomainXMLError.self) { try NetworkXML.parseDHCPHost("<host ip='10.0.0.5'/>") }
    }
}
