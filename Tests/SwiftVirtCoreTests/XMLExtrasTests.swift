import Testing

@testable import SwiftVirtCore

/// What a model does not read is kept and written back in its place.
@Suite struct XMLExtrasTests {
    /// Reads `<thing>` knowing only `a` and children `known`, keeps the rest, writes it back.
    static func roundTrip(_ xml: String) throws -> String {
        let root = try XMLParser.parse(xml)
        var r = ElementReader(root, path: "thing")
        let a = r.string("a")
        let known = try r.children("known") { c throws(DomainXMLError) in c.text() }
        let extras = r.extras()
        try r.finish()
        var w = XMLWriter()
        w.element("thing", [("a", a)], extras: extras) { w in
            for k in known { w.text("known", k) }
        }
        return w.output
    }

    @Test func unknownAttributesAndChildrenComeBackInPlace() throws {
        let out = try Self.roundTrip(
            """
            <thing a='1' b="x&amp;y"><first z='1'/><known>k1</known><later><deep c='2'>text</deep></later>
            <known>k2</known><!-- dropped --><last/></thing>
            """)
        #expect(
            out == """
                <thing a='1' b='x&amp;y'>
                  <first z='1'/>
                  <known>k1</known>
                  <later>
                    <deep c='2'>text</deep>
                  </later>
                  <known>k2</known>
                  <last/>
                </thing>

                """)
    }

    @Test func keptElementsWhoseSiblingIsGoneGoLast() throws {
        let root = try XMLParser.parse("<thing><known>k</known><extra/></thing>")
        var r = ElementReader(root, path: "thing")
        _ = try r.children("known") { c throws(DomainXMLError) in c.text() }
        let extras = r.extras()
        var w = XMLWriter()
        w.element("thing", extras: extras) { w in w.text("other", "o") }
        #expect(w.output == "<thing>\n  <other>o</other>\n  <extra/>\n</thing>\n")
    }

    @Test func withoutExtrasUnknownsAreStillRefused() throws {
        let root = try XMLParser.parse("<thing><mystery/></thing>")
        var r = ElementReader(root, path: "thing")
        #expect(throws: DomainXMLError.self) { try r.finish() }
    }
}
