import Testing

@testable import SwiftVirtWire

@Suite("XDR primitives against hand-computed byte vectors")
struct XDRPrimitiveTests {
    @Test func integers() throws {
        #expect(encoded { $0.encode(Int32(-2)) } == hex("FFFFFFFE"))
        #expect(encoded { $0.encode(UInt32(0x0102_0304)) } == hex("01020304"))
        #expect(encoded { $0.encode(Int64(-1)) } == hex("FFFFFFFF FFFFFFFF"))
        #expect(encoded { $0.encode(UInt64(0xFFFF_FFFF_0000_0001)) } == hex("FFFFFFFF 00000001"))
        #expect(encoded { $0.encode(Int64(0x0102_0304_0506_0708)) } == hex("01020304 05060708"))

        var d = XDRDecoder(hex("FFFFFFFE 01020304 FFFFFFFF FFFFFFFF FFFFFFFF 00000001"))
        #expect(try d.decode(Int32.self) == -2)
        #expect(try d.decode(UInt32.self) == 0x0102_0304)
        #expect(try d.decode(Int64.self) == -1)
        #expect(try d.decode(UInt64.self) == 0xFFFF_FFFF_0000_0001)
        #expect(d.remaining == 0)
        try d.finish()
    }

    @Test func boolAndDouble() throws {
        #expect(
            encoded {
                $0.encode(true)
                $0.encode(false)
            } == hex("00000001 00000000"))
        #expect(encoded { $0.encode(1.0) } == hex("3FF00000 00000000"))
        #expect(encoded { $0.encode(-2.5) } == hex("C0040000 00000000"))
        var d = XDRDecoder(hex("00000001 C0040000 00000000"))
        #expect(try d.decode(Bool.self) == true)
        #expect(try d.decode(Double.self) == -2.5)
        #expect(decodeError(hex("00000002")) { try $0.decode(Bool.self) } == .invalidBool(2))
    }

    @Test func stringsArePaddedToFourBytes() throws {
        #expect(encoded { $0.encode("") } == hex("00000000"))
        #expect(encoded { $0.encode("a") } == hex("00000001 61000000"))
        #expect(encoded { $0.encode("abcd") } == hex("00000004 61626364"))
        #expect(encoded { $0.encode("abcde") } == hex("00000005 61626364 65000000"))
        #expect(encoded { $0.encode("é") } == hex("00000002 C3A90000"))
        var d = XDRDecoder(hex("00000005 61626364 65000000 00000002 C3A90000"))
        #expect(try d.decodeString() == "abcde")
        #expect(try d.decodeString() == "é")
        try d.finish()
    }

    @Test func optionalStrings() throws {
        #expect(encoded { $0.encodeOptional(String?.none) } == hex("00000000"))
        #expect(encoded { $0.encodeOptional("hi" as String?) } == hex("00000001 00000002 68690000"))
        var d = XDRDecoder(hex("00000000 00000001 00000002 68690000"))
        #expect(try d.decodeOptionalString() == nil)
        #expect(try d.decodeOptionalString() == "hi")
        #expect(decodeError(hex("00000002 00000000")) { try $0.decodeOptionalString() } == .invalidBool(2))
    }

    @Test func opaqueFixedAndVariable() throws {
        #expect(encoded { $0.encodeFixedOpaque([1, 2, 3]) } == hex("01020300"))
        #expect(encoded { $0.encodeOpaque([1, 2, 3, 4, 5]) } == hex("00000005 01020304 05000000"))
        var d = XDRDecoder(hex("01020300 00000005 01020304 05000000"))
        #expect(try d.decodeFixedOpaque(count: 3) == [1, 2, 3])
        #expect(try d.decodeOpaque(limit: 5) == [1, 2, 3, 4, 5])
        #expect(
            decodeError(hex("00000005 01020304 05000000")) { try $0.decodeOpaque(limit: 4) }
                == .lengthExceeded(what: "opaque", length: 5, limit: 4))
    }

    @Test func arraysAndOptionalValues() throws {
        #expect(encoded { $0.encodeArray([Int32(1), -1]) } == hex("00000002 00000001 FFFFFFFF"))
        #expect(encoded { $0.encodeArray(["ab"]) } == hex("00000001 00000002 61620000"))
        #expect(encoded { $0.encodeOptional(Int32?.none) } == hex("00000000"))
        #expect(encoded { $0.encodeOptional(Int32(7) as Int32?) } == hex("00000001 00000007"))
        var d = XDRDecoder(hex("00000002 00000001 FFFFFFFF 00000001 00000007"))
        #expect(try d.decodeArray(Int32.self, limit: 2) == [1, -1])
        #expect(try d.decodeOptional(Int32.self) == 7)
        #expect(
            decodeError(hex("00000003 00000001 00000002 00000003")) { try $0.decodeArray(Int32.self, limit: 2) }
                == .lengthExceeded(what: "array of Int32", length: 3, limit: 2))
    }

    @Test func charsTakeOneWordEach() throws {
        #expect(encoded { $0.encodeChars([-1, 65]) } == hex("FFFFFFFF 00000041"))
        #expect(
            encoded { $0.encodeCountedChars(XDRChars.nulTerminated("ok")) }
                == hex("00000003 0000006F 0000006B 00000000"))
        var d = XDRDecoder(hex("00000003 0000006F 0000006B 00000000 FFFFFFFF"))
        let chars = try d.decodeChars(limit: 3)
        #expect(XDRChars.string(chars) == "ok")
        #expect(try d.decodeFixedChars(count: 1) == [-1])
        #expect(
            decodeError(hex("00000004")) { try $0.decodeChars(limit: 3) }
                == .lengthExceeded(what: "char array", length: 4, limit: 3))
    }

    @Test func truncatedInputIsReported() {
        #expect(decodeError([1, 2, 3]) { try $0.decode(UInt32.self) } == .truncated(needed: 4, remaining: 3))
        #expect(decodeError(hex("00000001")) { try $0.decode(UInt64.self) } == .truncated(needed: 8, remaining: 4))
        // A 3-byte string occupies 4 bytes with its padding; only 2 are present.
        #expect(decodeError(hex("00000003 6162")) { try $0.decodeString() } == .truncated(needed: 4, remaining: 2))
        // A huge array count is refused before any allocation.
        #expect(
            decodeError(hex("00004000")) { try $0.decodeChars(limit: 16384) }
                == .truncated(needed: 65536, remaining: 0))
    }

    @Test func oversizeStringsAreRejected() {
        #expect(
            decodeError(hex("FFFFFFFF")) { try $0.decodeString() }
                == .lengthExceeded(what: "string", length: 0xFFFF_FFFF, limit: 4_194_304))
        #expect(
            decodeError(hex("00400001")) { try $0.decodeString() }
                == .lengthExceeded(what: "string", length: 4_194_305, limit: 4_194_304))
        #expect(
            decodeError(hex("00000005 61626364 65000000")) { try $0.decodeString(limit: 4) }
                == .lengthExceeded(what: "string", length: 5, limit: 4))
    }

    @Test func invalidUTF8IsRejected() {
        #expect(decodeError(hex("00000002 C3280000")) { try $0.decodeString() } == .invalidUTF8)
    }

    @Test func trailingBytesAreReported() throws {
        var d = XDRDecoder(hex("00000001 00000002"))
        _ = try d.decode(Int32.self)
        #expect(throws: XDRError.trailingBytes(4)) { try d.finish() }
        #expect(throws: XDRError.trailingBytes(4)) {
            try ConnectSupportsFeatureArgs(xdrBytes: hex("00000001 00000002"))
        }
    }

    @Test func voidPayloadIsEmpty() throws {
        #expect(XDRVoid().xdrBytes().isEmpty)
        _ = try XDRVoid(xdrBytes: [])
        #expect(throws: XDRError.trailingBytes(4)) { try XDRVoid(xdrBytes: hex("00000000")) }
    }
}
