import Foundation
import Logging
import Testing

@testable import SwiftVirtDaemon

@Suite struct DefinitionJournalFormatTests {
    typealias F = DefinitionJournalFormat

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func headerRoundTripsAndATornOneIsRejected() {
        var header = F.encodeHeader(epoch: 42)
        #expect(F.decodeHeader(header[...]) == 42)
        header[9] ^= 0x01
        #expect(F.decodeHeader(header[...]) == nil)
        #expect(F.decodeHeader([UInt8](repeating: 0, count: 64)[...]) == nil)
    }

    /// A journal image: header, then the records of `epoch` from `recordsStart` on, zeros after.
    func image(_ records: [DefinitionJournalRecord], epoch: UInt64 = 3) -> (bytes: [UInt8], ends: [Int]) {
        var bytes = F.encodeHeader(epoch: epoch) + [UInt8](repeating: 0, count: F.recordsStart - F.headerSize)
        var ends: [Int] = []
        for record in records {
            bytes += F.encode(record, epoch: epoch)
            ends.append(bytes.count)
        }
        return (bytes + [UInt8](repeating: 0, count: 4096), ends)
    }

    let records: [DefinitionJournalRecord] = [
        .define(name: "alpha", xml: "<domain><name>alpha</name></domain>"), .undefine(name: "beta"),
        .define(name: "gämma", xml: "<domain><name>gämma</name><description>ü</description></domain>"),
    ]

    @Test func recordsRoundTripAndTheEndIsFound() {
        let (bytes, ends) = image(records)
        let decoded = F.decodeRecords(bytes, epoch: 3)
        #expect(decoded.records == records)
        #expect(decoded.end == ends.last)
    }

    @Test func aTornTailIsDropped() {
        let (bytes, ends) = image(records)
        // The last record cut anywhere inside, or one byte of it changed: only the first two count.
        for cut in stride(from: ends[1] + 1, to: ends[2], by: 7) {
            var torn = Array(bytes[..<cut])
            torn += [UInt8](repeating: 0, count: 100)
            #expect(F.decodeRecords(torn, epoch: 3).records == Array(records.prefix(2)))
        }
        for position in ends[1]..<ends[2] {
            var flipped = bytes
            flipped[position] ^= 0x20
            #expect(F.decodeRecords(flipped, epoch: 3).records == Array(records.prefix(2)))
        }
    }

    @Test func recordsOfAnotherEpochAreNotReplayed() {
        let (bytes, _) = image(records, epoch: 3)
        #expect(F.decodeRecords(bytes, epoch: 4).records.isEmpty)
        // A reset rewrote the header and one new record over the first old one: the old rest is ignored.
        var reused = bytes
        let fresh = F.encode(.undefine(name: "alpha"), epoch: 4)
        reused.replaceSubrange(0..<F.headerSize, with: F.encodeHeader(epoch: 4))
        reused.replaceSubrange(F.recordsStart..<(F.recordsStart + fresh.count), with: fresh)
        #expect(F.decodeHeader(reused[...]) == 4)
        #expect(F.decodeRecords(reused, epoch: 4).records == [.undefine(name: "alpha")])
    }
}

@Suite struct DefinitionJournalFileTests {
    let dir: String
    init() throws {
        dir = NSTemporaryDirectory() + "swiftvirt-journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func journal(capacity: Int = 1 << 16) throws -> DefinitionJournal {
        let j = DefinitionJournal(
            configDir: dir, capacity: capacity, idleDelayNanoseconds: nil, logger: Logger(label: "t"))
        try j.open()
        return j
    }

    func config(_ name: String) -> String? { try? String(contentsOfFile: "\(dir)/\(name).xml", encoding: .utf8) }

    @Test func aRestartReplaysWhatNoCheckpointWroteYet() throws {
        try "<old/>".write(toFile: dir + "/a.xml", atomically: true, encoding: .utf8)
        try "<c/>".write(toFile: dir + "/c.xml", atomically: true, encoding: .utf8)
        do {
            let j = try journal()
            try j.append(.define(name: "a", xml: "<a1/>"))
            try j.append(.define(name: "b", xml: "<b/>"))
            try j.append(.define(name: "a", xml: "<a2/>"))
            try j.append(.undefine(name: "c"))
            #expect(j.pendingNames == ["a", "b", "c"])
            #expect(config("a") == "<old/>" && config("b") == nil)  // the files lag; the journal is the truth
        }
        let restarted = try journal()
        #expect(config("a") == "<a2/>" && config("b") == "<b/>" && config("c") == nil)
        #expect(restarted.pendingNames.isEmpty)
        // The replayed records are not replayed again over later changes.
        try "<a3/>".write(toFile: dir + "/a.xml", atomically: true, encoding: .utf8)
        _ = try journal()
        #expect(config("a") == "<a3/>")
    }

    @Test func replayReadsRecordsBeyondTheFirstRead() throws {
        let xml = String(repeating: "z", count: 2000)
        do {
            let j = try journal(capacity: 1 << 20)
            for i in 0..<150 { try j.append(.define(name: "big\(i)", xml: xml + "\(i)")) }
        }
        _ = try journal(capacity: 1 << 20)
        for i in [0, 31, 32, 33, 149] { #expect(config("big\(i)") == xml + "\(i)") }
    }

    @Test func aTornLastRecordIsDroppedAtReplay() throws {
        do {
            let j = try journal()
            try j.append(.define(name: "kept", xml: "<kept/>"))
            try j.append(.define(name: "torn", xml: String(repeating: "x", count: 300)))
        }
        // Overwrite the middle of the second record as a crash in mid-write would leave it.
        let fd = open(dir + "/journal", O_RDWR)
        let first = DefinitionJournalFormat.encode(.define(name: "kept", xml: "<kept/>"), epoch: 1).count
        let junk = [UInt8](repeating: 0, count: 64)
        #expect(pwrite(fd, junk, junk.count, off_t(DefinitionJournalFormat.recordsStart + first + 100)) == 64)
        close(fd)
        _ = try journal()
        #expect(config("kept") == "<kept/>" && config("torn") == nil)
    }

    @Test func aFullJournalCheckpointsAndGoesOn() throws {
        let j = try journal(capacity: 4096 + 2000)
        for i in 0..<100 { try j.append(.define(name: "d\(i % 7)", xml: "<domain n='\(i)'/>")) }
        try j.append(.undefine(name: "d3"))
        _ = try journal(capacity: 4096 + 2000)
        for r in 0..<7 where r != 3 { #expect(config("d\(r)") == "<domain n='\(98 + r < 100 ? 98 + r : 91 + r)'/>") }
        #expect(config("d3") == nil)
        #expect(throws: DefinitionJournal.JournalError.self) {
            try j.append(.define(name: "huge", xml: String(repeating: "y", count: 4000)))
        }
    }

    @Test func checkpointWritesFilesAndEmptiesTheJournal() throws {
        let j = try journal()
        try j.append(.define(name: "a", xml: "<a/>"))
        try j.checkpoint()
        #expect(config("a") == "<a/>" && j.pendingNames.isEmpty)
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(entries == ["a.xml", "journal"])
    }
}
