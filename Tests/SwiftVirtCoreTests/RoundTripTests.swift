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

    @Test(arguments: fixtures) func completedDefinitionRoundTrips(name: String) throws {
        let d = try Fixture.completed(name)
        let xml = DomainXML.format(d)
        #expect(try DomainXML.parse(xml) == d)
        #expect(DomainXML.format(try DomainXML.parse(xml)) == xml)
    }

    @Test(arguments: fixtures) func formattedXMLPassesVirtXMLValidate(name: String) throws {
        for d in [try Fixture.parsed(name), try Fixture.completed(name)] {
            let xml = DomainXML.format(d)
            let (status, output) = try virtXMLValidate(xml)
            #expect(status == 0, "virt-xml-validate rejected \(name):\n\(output)\n\(xml)")
        }
    }
}
