import Foundation
import Testing

@testable import SwiftVirtCore

/// Network XML against libvirt 9.0: the definitions in Fixtures/networks (one per element family) come back as
/// libvirtd printed them (Fixtures/networks/libvirt-9.0), and those in Fixtures/networks/refused are refused with
/// the code and error domain libvirtd gave.
@Suite struct NetworkXMLTests {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/networks")

    static let corpus: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".xml") }.map { String($0.dropLast(4)) }.sorted()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    /// What define keeps: parsed, checked, with the driver's fill-ins (a generated MAC written as libvirt's golden
    /// files write it; `otherBridges`: those of the networks defined before).
    static func defined(_ xml: String, otherBridges: Set<String> = []) throws -> NetworkDefinition {
        var n = try NetworkXML.parse(xml)
        try NetworkValidation.validate(n) { _ in false }
        let generated = n.mac == nil
        try NetworkValidation.fillInDefine(
            &n, otherBridges: otherBridges, interfaceExists: { _ in false }, generateMAC: true)
        if generated && n.mac != nil { n.mac = MACAddress(string: "52:54:00:00:00:00") }
        return n
    }

    /// The corpus defined in name order on one daemon, as the golden files were made (bridge names are handed
    /// out in that order).
    static func definedCorpus() throws -> [String: NetworkDefinition] {
        var bridges: Set<String> = []
        var out: [String: NetworkDefinition] = [:]
        for name in corpus {
            let n = try defined(text("\(name).xml"), otherBridges: bridges)
            if let b = n.bridge?.name { bridges.insert(b) }
            out[name] = n
        }
        return out
    }

    @Test func defineGivesLibvirtsOutput() throws {
        for (name, n) in try Self.definedCorpus() {
            #expect(NetworkXML.format(n) == (try Self.text("libvirt-9.0/\(name).xml")), "\(name)")
        }
    }

    @Test(arguments: corpus) func dumpxmlRedefinesToTheSameOutput(_ name: String) throws {
        let text = NetworkXML.format(try Self.defined(Self.text("\(name).xml")))
        #expect(NetworkXML.format(try Self.defined(text)) == text)
    }

    /// The formatted output passes libvirt's own schema check.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/virt-xml-validate")))
    func outputPassesVirtXMLValidate() throws {
        for name in Self.corpus where name != "bridge-template" {  // `%d` is outside the schema, as in libvirt
            let path = NSTemporaryDirectory() + "net-\(UUID().uuidString).xml"
            try NetworkXML.format(try Self.defined(Self.text("\(name).xml")))
                .write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/virt-xml-validate")
            p.arguments = [path, "network"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "virt-xml-validate rejected the output for \(name)")
        }
    }

    /// Refused as libvirtd refused them: same code, same error domain (libvirt raises some from its helpers).
    static let refused: [(String, VirtErrorCode, VirtErrorDomain)] = [
        ("address-in-bridge", .configUnsupported, .network),
        ("bad-delay", .xmlError, .network),
        ("bad-family", .xmlError, .network),
        ("bad-ipv6-attr", .xmlError, .network),
        ("bad-mode", .configUnsupported, .network),
        ("bad-mtu", .xmlError, .network),
        ("bad-uuid", .internalError, .network),
        ("bandwidth-floor", .configUnsupported, .none),
        ("bandwidth-no-average", .xmlDetail, .none),
        ("bandwidth-vepa", .configUnsupported, .network),
        ("bridge-name-and-dev", .xmlError, .network),
        ("bridge-stp", .xmlError, .network),
        ("dev-mismatch", .xmlError, .network),
        ("dns-disabled-data", .xmlError, .network),
        ("dns-host-bridge", .configUnsupported, .network),
        ("dnsmasq-option-no-value", .internalError, .network),
        ("driver-bad", .configUnsupported, .network),
        ("dup-interface", .xmlError, .network),
        ("dup-portgroup", .configUnsupported, .network),
        ("family-mismatch", .configUnsupported, .network),
        ("forwarder-empty", .xmlError, .network),
        ("host-bad-name", .xmlError, .network),
        ("host-no-ip", .xmlError, .network),
        ("host-no-mac", .xmlError, .network),
        ("host-v6-mac", .xmlError, .network),
        ("hostdev-address", .configUnsupported, .network),
        ("hostdev-interface", .configUnsupported, .network),
        ("ip-vepa", .configUnsupported, .network),
        ("ipv4-prefix", .configUnsupported, .network),
        ("ipv6-netmask", .configUnsupported, .network),
        ("lease-short", .configUnsupported, .network),
        ("mac-bridge", .configUnsupported, .network),
        ("mtu-bridge", .xmlError, .network),
        ("multicast-mac", .xmlError, .network),
        ("nat-address-v6", .xmlError, .network),
        ("nat-in-route", .xmlError, .network),
        ("nat-no-ip", .xmlError, .network),
        ("nat-port-reversed", .xmlDetail, .network),
        ("no-name", .noName, .network),
        ("open-dev", .xmlError, .network),
        ("prefix-and-netmask", .configUnsupported, .network),
        ("range-broadcast", .internalError, .none),
        ("range-network-address", .internalError, .none),
        ("range-outside", .internalError, .none),
        ("range-reversed", .internalError, .none),
        ("route-not-network", .xmlError, .network),
        ("route-unreachable", .configUnsupported, .network),
        ("slash-name", .xmlDetail, .xml),
        ("srv-bad-service", .xmlDetail, .network),
        ("srv-port-no-target", .xmlDetail, .network),
        ("tftp-v6", .configUnsupported, .network),
        ("two-default-portgroups", .configUnsupported, .network),
        ("two-dhcp4", .configUnsupported, .network),
        ("two-nat-devs", .xmlError, .network),
        ("two-pf", .xmlError, .network),
        ("txt-bad-name", .xmlDetail, .network),
        ("vepa-bridge-name", .xmlError, .network),
        ("virtualport-extra", .xmlError, .net),
        ("virtualport-no-type", .xmlError, .none),
        ("vlan-nat", .configUnsupported, .network),
        ("vlan-too-large", .xmlError, .none),
    ]

    @Test(arguments: refused) func refusedWithLibvirtsCode(_ name: String, _ code: VirtErrorCode, _ domain: VirtErrorDomain)
        throws
    {
        let xml = try Self.text("refused/\(name).xml")
        do {
            _ = try Self.defined(xml)
            Issue.record("\(name) was accepted")
        } catch let e as NetworkXMLError {
            #expect(e.virtError.code == code, "\(name): \(e)")
            #expect(e.virtError.domain == domain, "\(name): \(e)")
            #expect(e.virtError.message.contains("<network"), "the message names the element: \(e)")
        }
    }

    @Test func everyRefusedFileIsInTheTable() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Self.directory.appendingPathComponent("refused").path)
        #expect(Set(files.map { String($0.dropLast(4)) }) == Set(Self.refused.map(\.0)))
    }

    private func error(_ xml: String) -> NetworkXMLError? {
        do {
            _ = try Self.defined(xml)
            return nil
        } catch { return error as? NetworkXMLError }
    }

    @Test func errorsNameTheElementTheAttributeAndTheLine() throws {
        let e = try #require(
            error(
                """
                <network>
                  <name>a</name>
                  <ip address='10.1.0.1' prefix='24'>
                    <dhcp><range start='10.1.0.10' end='10.2.0.9'/></dhcp>
                  </ip>
                </network>
                """))
        #expect(e.element == "network/ip/dhcp/range" && e.line == 4)
        #expect(e.virtError.message.hasPrefix("internal error: <network/ip/dhcp/range> (line 4): range 10.1.0.10"))
        let p = try #require(error("<network><name>a</name>\n<ip address='10.1.0.1'\n prefix='40'/></network>"))
        #expect(p.attribute == "prefix" && p.line == 3)
        #expect(p.virtError.message == "unsupported configuration: attribute 'prefix' of <network/ip> (line 3): "
                + "Invalid IPv4 prefix '40' in network 'a'")
        // Outside libvirt's schema: refused (libvirt would drop it silently unless asked to validate).
        let bogus = try #require(error("<network><name>a</name><bogus/></network>"))
        #expect(bogus.code == .xmlInvalidSchema && bogus.element == "network/bogus")
        let attr = try #require(error("<network><name>a</name><bridge name='b' colour='red'/></network>"))
        #expect(attr.code == .xmlInvalidSchema && attr.attribute == "colour")
        #expect(error("<network><name>a</name></network>") == nil)
        #expect(try #require(error("<network/>")).virtError.message == "missing name information in <network> (line 1)")
    }

    /// What the old rule refused at define and libvirt accepts.
    @Test func libvirtAcceptsWhatSwiftVirtUsedToRefuse() throws {
        for xml in [
            "<network><name>a</name><forward mode='vepa' dev='eth0'/></network>",
            "<network><name>a</name><bridge name='a-very-long-bridge-name'/></network>",
            "<network><name>a</name><ip address='10.1.0.1' prefix='24'/><ip address='10.1.0.2' prefix='16'/></network>",
            "<network><name>a</name><ip address='10.1.0.0' prefix='24'/></network>",
            "<network><name>a</name><ip address='10.1.0.1' prefix='24'><dhcp><range start='10.1.0.1' end='10.1.0.9'/></dhcp></ip></network>",
            "<network><name>a</name><ip address='10.1.0.1' prefix='24'><dhcp><host mac='52:54:00:00:00:01' ip='10.9.0.5'/></dhcp></ip></network>",
            "<network><name>a</name><forward mode='bridge'/></network>",
            "<network><name>a</name><mtu size='20'/></network>",
        ] {
            #expect(error(xml) == nil, "\(xml)")
        }
    }

    @Test func classfulAndDefaultPrefixes() throws {
        func prefix(_ a: String) throws -> Int? {
            try NetworkXML.parse("<network><name>a</name><ip address='\(a)'/></network>").ips[0].effectivePrefix
        }
        #expect(try prefix("10.1.2.3") == 8)
        #expect(try prefix("172.16.0.1") == 16)
        #expect(try prefix("192.168.5.1") == 24)
        #expect(
            try NetworkXML.parse("<network><name>a</name><ip family='ipv6' address='fd00::1'/></network>").ips[0]
                .effectivePrefix == 64)
        #expect(try prefix("224.0.0.1") == nil)
    }

    @Test func bridgeNamesAndMACsAreFilledInAtDefine() throws {
        var n = try NetworkXML.parse("<network><name>a</name><bridge name='sv%d'/></network>")
        try NetworkValidation.fillInDefine(
            &n, otherBridges: ["sv0"], interfaceExists: { $0 == "sv1" }, generateMAC: true)
        #expect(n.bridge?.name == "sv2")
        #expect(n.mac?.bytes.prefix(3) == [0x52, 0x54, 0x00])
        var taken = try NetworkXML.parse("<network><name>b</name><bridge name='sv0'/></network>")
        #expect(throws: NetworkXMLError.self) {
            try NetworkValidation.fillInDefine(&taken, otherBridges: ["sv0"], interfaceExists: { _ in false }, generateMAC: true)
        }
        var bridged = try NetworkXML.parse("<network><name>c</name><forward mode='bridge'/><bridge name='br0'/></network>")
        try NetworkValidation.fillInDefine(&bridged, otherBridges: ["br0"], interfaceExists: { _ in true }, generateMAC: true)
        #expect(bridged.mac == nil && bridged.bridge?.name == "br0")
    }

    @Test func netUpdateFragmentsParseAndNameTheirElement() throws {
        let host = try NetworkXML.parseDNSHost(
            "<host ip='10.3.0.5'><hostname>a</hostname><hostname>b</hostname></host>", network: "n",
            requireHostnames: true)
        #expect(host.hostnames == ["a", "b"] && host.ip.description == "10.3.0.5")
        #expect(
            try NetworkXML.parseDNSHost("<host ip='10.3.0.5'/>", network: "n", requireHostnames: false).hostnames
                .isEmpty)
        #expect(throws: NetworkXMLError.self) {
            try NetworkXML.parseDNSHost("<host ip='10.3.0.5'/>", network: "n", requireHostnames: true)
        }
        let range = try NetworkXML.parseDHCPRange("<range start='10.3.0.10' end='10.3.0.20'/>", network: "n")
        #expect(range.start.description == "10.3.0.10" && range.end.description == "10.3.0.20")
        do {
            _ = try NetworkXML.parseDHCPRange("<host ip='10.3.0.5'/>", network: "n")
            Issue.record("a <host> is not a range")
        } catch {
            #expect("\(error)".contains("expecting <range>"))
        }
        let h = try NetworkXML.parseDHCPHost("<host mac='52:54:00:00:00:01' ip='10.0.0.5'/>", network: "n")
        #expect(h.ip == IPAddress("10.0.0.5"))
        #expect(throws: NetworkXMLError.self) { try NetworkXML.parseDHCPHost("<host ip='10.0.0.5'/>", network: "n") }
        #expect(try NetworkXML.parseDHCPHost("<host ip='10.0.0.5'/>", network: "n", partial: true).ip != nil)
    }
}
