@testable import SwiftVirtWire

/// Bytes from a hex string; spaces are ignored so vectors can be grouped by XDR word.
func hex(_ s: String) -> [UInt8] {
    let digits = s.filter { !$0.isWhitespace }.map { $0 }
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16) ?? 0 }
}

func encoded(_ body: (inout XDREncoder) -> Void) -> [UInt8] {
    var encoder = XDREncoder()
    body(&encoder)
    return encoder.bytes
}

/// Runs a decoding step and returns the error it throws (nil if it succeeded).
func decodeError<T>(_ bytes: [UInt8], _ step: (inout XDRDecoder) throws -> T) -> XDRError? {
    var decoder = XDRDecoder(bytes)
    do {
        _ = try step(&decoder)
        return nil
    } catch let error as XDRError {
        return error
    } catch {
        return nil
    }
}

/// Deterministic pseudo-random bytes (SplitMix64) so fuzz failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
