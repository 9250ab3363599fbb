import Foundation
import SwiftVirtCore
import Testing

@Suite struct RoundTripTests {
    static let fixtures = ["minimal", "rich-pc", "q35"]

    @Test(arguments: fixtures) func parseFormatParseIsIdentity(name: String) throws {
        let d = try Fixture.parsed(name)
        let again = try DomainXML.parse(DomainXML.format(d))
        #expect(again == d)
    }

    /// Inactive XML leaves out generated aliases (as libvirt does); defining it again regenerates exactly them.
    @Test(arguments: fixtures) func completedDefinitionRoundTrips(name: String) throws {
        let d = try Fixture.completed(name)
        let xml = DomainXML.format(d)
        #expect(!xml.contains("<alias "))
        var redefined = try DomainXML.parse(xml)
        try redefined.applyDefaults()
        #expect(redefined == d)
        #expect(DomainXML.format(try DomainXML.parse(xml)) == xml)
    }

    /// Live XML carries every alias and parses back to the same definition.
    @Test(arguments: fixtures) func liveXMLIsLossless(name: String) throws {
        let d = try Fixture.completed(name)
        let xml = DomainXML.format(d, runtime: DomainRuntimeInfo(id: 3))
        #expect(xml.contains("<alias name="))
        #expect(try DomainXML.parse(xml) == d)
    }

    @Test(arguments: fixtures) func formattedXMLPassesVirtXMLValidate(name: String) throws {
        for d in [try Fixture.parsed(name), try Fixture.completed(name)] {
            let xml = DomainXML.format(d)
            let (status, output) = try virtXMLValidate(xml)
            #expect(status == 0, "virt-xml-validate rejected \(name):\n\(output)\n\(xml)")
        }
    }
}
