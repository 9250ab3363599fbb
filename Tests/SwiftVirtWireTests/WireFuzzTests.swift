import Testing

@testable import SwiftVirtWire

/// Seeded garbage and mutated valid encodings: decoders must return a value or throw, never trap or hang.
@Suite("Fuzz: garbage into the packet decoder and every message decoder")
struct WireFuzzTests {
    @Test func packetDecoderSurvivesGarbage() {
        var rng = SeededGenerator(seed: 0x5157_4952_45)
        for _ in 0..<3000 {
            var decoder = PacketDecoder(maxPacketLength: 4096)
            // Bias the first word towards plausible lengths so header checks get exercised too.
            var bytes = randomBytes(count: Int.random(in: 0...96, using: &rng), using: &rng)
            if bytes.count >= 4 && Bool.random(using: &rng) {
                bytes.replaceSubrange(0..<4, with: encoded { $0.encode(UInt32.random(in: 0...120, using: &rng)) })
            }
            var offset = 0
            feeding: while offset < bytes.count {
                let step = Int.random(in: 1...8, using: &rng)
                decoder.append(bytes[offset..<min(offset + step, bytes.count)])
                offset += step
                while true {
                    do {
                        guard let packet = try decoder.next() else { break }
                        #expect(packet.encoded().count == Packet.minimumLength + packet.payload.count)
                    } catch {
                        break feeding
                    }
                }
            }
        }
    }

    @Test(arguments: everyMessageType.indices)
    func messageDecoderSurvivesGarbage(index: Int) {
        fuzz(everyMessageSample[index], seed: UInt64(index) &+ 1)
    }

    private func fuzz<T: XDRCodable & Equatable>(_ sample: T, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let valid = sample.xdrBytes()
        for round in 0..<400 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = randomBytes(count: Int.random(in: 0...80, using: &rng), using: &rng)
            } else {
                // Mutate a valid encoding: flip some bytes, maybe cut or extend it.
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                if Bool.random(using: &rng) {
                    bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
                }
            }
            do {
                let value = try T(xdrBytes: bytes)
                // Whatever was accepted must encode to something that decodes to the same value.
                #expect(try T(xdrBytes: value.xdrBytes()) == value)
            } catch {
                // A typed XDRError is the only acceptable failure; the typed throw guarantees it.
            }
        }
        // Maximal length words everywhere must fail fast rather than allocate.
        #expect(throws: XDRError.self) { try T(xdrBytes: [UInt8](repeating: 0xFF, count: 64)) }
    }

    /// Every procedure's argument decoder (what the dispatcher runs even for procedures it does not implement):
    /// garbage and maximal length words must fail with an XDRError, never trap, hang or allocate without bound.
    @Test func everyProcedureArgumentDecoderSurvivesGarbage() {
        var rng = SeededGenerator(seed: 0x4152_4753)
        for procedure in Remote.all + Qemu.all + Lxc.all + Keepalive.all {
            for _ in 0..<40 {
                let bytes = randomBytes(count: Int.random(in: 0...96, using: &rng), using: &rng)
                _ = try? procedure.validateArguments(bytes)
            }
            if procedure.info.kind == .call {
                _ = try? procedure.validateArguments([UInt8](repeating: 0xFF, count: 64))
            }
        }
    }

    private func randomBytes(count: Int, using rng: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}
