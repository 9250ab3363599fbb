import Testing

@testable import SwiftVirtWire

/// The generator's output for the protocol sample (GeneratedSample/, checked against the generator by
/// WireGeneratorTests) compiles and codes every construct as RFC 4506 and libvirt's rpcgen do.
@Suite("Generated code of the protocol sample")
struct SampleProtocolTests {
    static let thing = SampleNonnullThing(name: "ab", uuid: Array(1...16), id: -1)
    static let thingHex = "00000002 61620000 01020304 05060708 090A0B0C 0D0E0F10 FFFFFFFF"

    @Test func everyFieldShapeEncodesAsXDR() throws {
        let ret = ThingGetInfoRet(
            state: 0x81, model: XDRChars.fixed("i686", count: 8), label: XDRChars.nulTerminated("x"),
            memory: 0x0102_0304_0506_0708, delta: -2, count: 7, offset: -3, load: 1.5, ratio: 0.5, enabled: true,
            cookie: [0xAA], note: "n", other: nil, things: [Self.thing], names: ["c"], shortNames: ["d"], tag: nil,
            slots: [1, 2, 3], params: [SampleParam(field: "f", value: .none)], colour: 3, colours: [1, 2], in: 9)
        let expected = [
            "00000081",  // unsigned char: one word
            "00000069 00000036 00000038 00000036 00000000 00000000 00000000 00000000",  // char model[8]
            "00000002 00000078 00000000",  // char label<>: count with the NUL, one word per char
            "01020304 05060708", "FFFFFFFF FFFFFFFE",  // unsigned hyper, hyper
            "00000007", "FFFFFFFD",  // unsigned short, short: one word each, sign-extended
            "3FF80000 00000000", "3F000000", "00000001",  // double, float, bool
            "00000001 AA000000",  // opaque<>
            "00000001 00000001 6E000000",  // sample_string (optional string): present, "n"
            "00000000",  // sample_thing: NULL
            "00000001 \(Self.thingHex)",  // sample_nonnull_thing things<>
            "00000001 00000001 63000000", "00000001 00000001 64000000",  // string arrays
            "00000000",  // sample_tag *tag: NULL
            "00000001 00000002 00000003",  // int slots[3]: no count word
            "00000001 00000001 66000000 00000000",  // params: field "f", union arm 0 (void)
            "00000003", "00000002 00000001 00000002", "00000009",  // enum, enum array, `in`
        ].joined(separator: " ")
        #expect(ret.xdrBytes() == hex(expected))
        #expect(try ThingGetInfoRet(xdrBytes: ret.xdrBytes()) == ret)
    }

    @Test func boundsFromTheProtocolAreEnforced() {
        // sample_short_string is string<16>.
        var long = ThingGetInfoRet(
            state: 0, model: XDRChars.fixed("", count: 8), label: [], memory: 0, delta: 0, count: 0, offset: 0, load: 0, ratio: 0, enabled: false,
            cookie: [], note: nil, other: nil, things: [], names: [], shortNames: [String(repeating: "x", count: 17)],
            tag: nil, slots: [0, 0, 0], params: [], colour: 1, colours: [], in: 0)
        #expect(throws: XDRError.self) { try ThingGetInfoRet(xdrBytes: long.xdrBytes()) }
        long.shortNames = [String(repeating: "x", count: 16)]
        long.colours = [1, 2, 3]  // colours<2>
        #expect(throws: XDRError.self) { try ThingGetInfoRet(xdrBytes: long.xdrBytes()) }
        long.colours = [1, 2]
        #expect((try? ThingGetInfoRet(xdrBytes: long.xdrBytes())) == long)
    }

    @Test func unionArmsAndUnknownDiscriminants() throws {
        #expect(SampleValue.int(-1).xdrBytes() == hex("00000001 FFFFFFFF"))
        #expect(SampleValue.text("ab").xdrBytes() == hex("00000007 00000002 61620000"))
        #expect(SampleValue.none.xdrBytes() == hex("00000000"))
        #expect(throws: XDRError.invalidDiscriminant(what: "sample_value", value: 2)) {
            try SampleValue(xdrBytes: hex("00000002"))
        }
    }

    @Test func descriptorsOfTheSample() {
        #expect(Sample.program == 0x5341_4D50 && Sample.all.count == 5)
        let info = Sample.ThingGetInfo.info
        #expect(info.api == "virThingGetInfo" && info.readOnly == .refused && info.priority == .low)
        #expect(info.acl == ["thing:read", "thing:read_secure:SAMPLE_SECURE"])
        #expect(Sample.ThingLookup.info.priority == .high && Sample.ThingLookup.info.readOnly == .allowed)
        #expect(Sample.ThingEvent.info.kind == .message && Sample.ThingEvent.Args.self == ThingEventMsg.self)
        #expect(Sample.ThingUpload.info.stream == .write && Sample.ThingUpload.info.aclFilter == ["thing:getattr"])
        // Conditional read-only checks are the handler's: the generator does not count them.
        #expect(Sample.ThingUpload.info.readOnly == .allowed)
        #expect(Sample.ConnectGetXMLDesc.info.api == "virConnectGetXMLDesc")
        #expect(Sample.ConnectGetXMLDesc.info.readOnly == .refused)
        #expect(Sample.procedure(2).map { ObjectIdentifier($0) } == ObjectIdentifier(Sample.ThingGetInfo.self))
        #expect(SampleProcedure.thingGetInfo.rawValue == 2)
    }
}
