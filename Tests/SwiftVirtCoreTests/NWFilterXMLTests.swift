import Testing

@testable import SwiftVirtCore

@Suite struct NWFilterXMLTests {
    static let uuid = "0b1cd0a4-5b71-4e57-9b7f-1e0f1f3c2d02"

    @Test func printsRulesInLibvirtsCanonicalForm() throws {
        let def = try NWFilterXML.parse(
            """
            <filter name='t1' chain='ipv4-ip'>
              <uuid>\(Self.uuid)</uuid>
              <!-- comments and unknown elements are dropped -->
              <other/>
              <rule direction='out' action='return' priority='100'>
                <ip protocol='udp' srcipaddr='0.0.0.0' dstportstart='67' srcportstart='0x44'/>
              </rule>
              <rule direction='inout' action='drop' priority='5000' statematch='FALSE'/>
              <filterref filter='other'>
                <parameter name='IP' value='10.0.0.2'/>
                <parameter name='A' value='x'/>
                <parameter name='IP' value='10.0.0.1'/>
                <parameter name='BAD' value='a b'/>
              </filterref>
              <rule action='accept' direction='out'><mac protocolid='2048' srcmacaddr='$MAC'/></rule>
              <rule action='accept' direction='in'><mac protocolid='0x835'/></rule>
              <rule action='accept' direction='in'><rarp opcode='3' arpsrcipaddr='$IP[@1]' arpdstipmask='255.255.255.0'/></rule>
            </filter>
            """)
        #expect(def.chainPriority == -700)
        #expect(
            NWFilterXML.format(def) == """
                <filter name='t1' chain='ipv4-ip' priority='-700'>
                  <uuid>\(Self.uuid)</uuid>
                  <rule action='return' direction='out' priority='100'>
                    <ip srcipaddr='0.0.0.0' protocol='udp' srcportstart='0x44' dstportstart='67'/>
                  </rule>
                  <rule action='drop' direction='inout' priority='500' statematch='false'/>
                  <filterref filter='other'>
                    <parameter name='A' value='x'/>
                    <parameter name='IP' value='10.0.0.2'/>
                    <parameter name='IP' value='10.0.0.1'/>
                  </filterref>
                  <rule action='accept' direction='out' priority='500'>
                    <mac srcmacaddr='$MAC' protocolid='ipv4'/>
                  </rule>
                  <rule action='accept' direction='in' priority='500'>
                    <mac protocolid='0x835'/>
                  </rule>
                  <rule action='accept' direction='in' priority='500'>
                    <rarp opcode='Request_Reverse' arpsrcipaddr='$IP[@1]' arpdstipmask='24'/>
                  </rule>
                </filter>

                """)
        #expect(try NWFilterXML.format(NWFilterXML.parse(NWFilterXML.format(def))) == NWFilterXML.format(def))
    }

    @Test func negatedAttributesSplitTheElement() throws {
        let def = try NWFilterXML.parse(
            """
            <filter name='n'><rule action='drop' direction='out'>
              <tcp match='no' srcportstart='22'/><tcp srcipaddr='10.1.2.3' dstportstart='80'/>
            </rule></filter>
            """)
        #expect(
            NWFilterXML.format(def).contains(
                """
                    <tcp srcipaddr='10.1.2.3'/>
                    <tcp match='no' srcportstart='22' dstportstart='80'/>
                """))
        #expect(def.chain == "root" && def.chainPriority == 0)
    }

    @Test(arguments: [
        ("<filter/>", VirtErrorCode.internalError, "filter has no name"),
        ("<filter name='a' priority='x'/>", .invalidArg, "Could not parse chain priority 'x'"),
        ("<filter name='a' priority='2000'/>", .invalidArg, "Priority '2000' is outside valid range of [-1000,1000]"),
        ("<filter name='a' chain='rootx'/>", .invalidArg, "Invalid chain name 'rootx'. Please use a chain name called 'root' or any of the following prefixes: mac, vlan, stp, arp, rarp, ipv4, ipv6"),
        ("<filter name='a' chain='ipv4-way-too-long'/>", .invalidArg, "Name of chain is longer than 12 characters"),
        ("<filter name='a'><uuid>12</uuid></filter>", .xmlError, "malformed uuid element"),
        ("<filter name='a'><rule direction='in'/></filter>", .internalError, "rule node requires action attribute"),
        ("<filter name='a'><rule action='x' direction='in'/></filter>", .configUnsupported, "unknown rule action attribute value"),
        ("<filter name='a'><rule action='drop'/></filter>", .internalError, "rule node requires direction attribute"),
        ("<filter name='a'><filterref/></filter>", .internalError, "rule node requires action attribute"),
        ("<filter name='a'><rule action='drop' direction='in'><mac protocolid='100' srcmacaddr='zz'/></rule></filter>", .internalError, "protocolid has illegal value 100"),
        ("<filter name='a'><rule action='drop' direction='in'><ip dstportstart='80'/></rule></filter>", .internalError, "IP rule with port specification requires protocol specification with protocol to be either one of tcp(6), udp(17), dccp(33), or sctp(132)"),
        ("<filter name='a'><rule action='drop' direction='in'><ip srcipaddr='$X[' /></rule></filter>", .internalError, "srcipaddr has illegal value $X["),
    ])
    func refusesAsLibvirt(xml: String, code: VirtErrorCode, words: String) {
        #expect {
            try NWFilterXML.parse(xml)
        } throws: { error in
            guard let e = error as? VirtError else { return false }
            return e.code == code && e.message.hasSuffix(words)
        }
    }

    @Test func malformedXMLAndWrongRoot() {
        #expect {
            try NWFilterXML.parse("<filter name='x'>\n<rule action='drop' direction='in'></filter>")
        } throws: {
            ($0 as? VirtError)?.message == """
                (nwfilter_definition):2: Opening and ending tag mismatch: rule line 2 and filter
                <rule action='drop' direction='in'></filter>
                --------------------------------------------^
                """
        }
        #expect {
            try NWFilterXML.parse("<secret/>")
        } throws: { ($0 as? VirtError)?.message.hasSuffix("expecting root element of 'filter', not 'secret'") == true }
    }

    @Test func bindingParsesAndPrints() throws {
        let text = """
            <filterbinding>
              <owner>
                <name>vm1</name>
                <uuid>\(Self.uuid)</uuid>
              </owner>
              <portdev name='vnet3'/>
              <mac address='52:54:00:aa:bb:cc'/>
              <filterref filter='clean-traffic'>
                <parameter name='IP' value='10.0.0.5'/>
              </filterref>
            </filterbinding>

            """
        let b = try NWFilterBinding.parse(text)
        #expect(b.xml == text)
        #expect {
            try NWFilterBinding.parse("<filterbinding><portdev name='x'/></filterbinding>")
        } throws: { ($0 as? VirtError)?.message.hasSuffix("filter binding has no owner name") == true }
    }
}
