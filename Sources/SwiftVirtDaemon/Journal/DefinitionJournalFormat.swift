/// The byte layout of `STATE/qemu/journal`, kept apart from the file I/O so it can be tested on byte arrays.
///
/// The file has a fixed size and is filled with zeros when created, so appending a record overwrites blocks
/// that are already allocated and written: `fdatasync` then flushes only those data blocks, no filesystem
/// metadata (which is what makes one define cost one device flush instead of the two or three of
/// create + fsync + rename + directory fsync).
///
/// - Header, at offset 0: magic "SVDJ", format version, epoch, CRC32 of the preceding bytes.
/// - Records from `recordsStart` on: magic "SVJR", epoch, kind, name length, XML length, name, XML, CRC32 of
///   everything before it in the record. A record counts only if its epoch is the header's and its CRC
///   matches; the first one that does not ends the journal (a torn tail, zeros, or a record from an older
///   epoch that a reset left behind).
enum DefinitionJournalFormat {
    static let headerMagic: UInt32 = 0x4A44_5653  // "SVDJ" little-endian
    static let recordMagic: UInt32 = 0x524A_5653  // "SVJR" little-endian
    static let version: UInt32 = 1
    static let headerSize = 20
    /// Records start on their own block, so rewriting the header never touches a record's block.
    static let recordsStart = 4096
    static let recordHeaderSize = 4 + 8 + 1 + 4 + 4

    static func encodeHeader(epoch: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headerSize)
        append(headerMagic, to: &out)
        append(version, to: &out)
        append(epoch, to: &out)
        append(CRC32.checksum(out), to: &out)
        return out
    }

    /// The epoch of a valid header; nil when the header is missing, torn or of another version.
    static func decodeHeader(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        guard bytes.count >= headerSize else { return nil }
        let b = bytes.startIndex
        guard read32(bytes, b) == headerMagic, read32(bytes, b + 4) == version,
            read32(bytes, b + 16) == CRC32.checksum(bytes[b..<(b + 16)])
        else { return nil }
        return read64(bytes, b + 8)
    }

    static func encode(_ record: DefinitionJournalRecord, epoch: UInt64) -> [UInt8] {
        let (kind, name, xml): (UInt8, [UInt8], [UInt8])
        switch record {
        case .define(let n, let x): (kind, name, xml) = (1, Array(n.utf8), Array(x.utf8))
        case .undefine(let n): (kind, name, xml) = (2, Array(n.utf8), [])
        }
        var out: [UInt8] = []
        out.reserveCapacity(recordHeaderSize + name.count + xml.count + 4)
        append(recordMagic, to: &out)
        append(epoch, to: &out)
        out.append(kind)
        append(UInt32(name.count), to: &out)
        append(UInt32(xml.count), to: &out)
        out += name
        out += xml
        append(CRC32.checksum(out), to: &out)
        return out
    }

    /// The record at `offset` and the offset after it, or nil where the journal ends.
    static func decodeRecord(_ bytes: [UInt8], at offset: Int, epoch: UInt64) -> (DefinitionJournalRecord, Int)? {
        guard offset >= 0, bytes.count - offset >= recordHeaderSize + 4 else { return nil }
        guard read32(bytes[...], offset) == recordMagic, read64(bytes[...], offset + 4) == epoch else { return nil }
        let kind = bytes[offset + 12]
        let nameLength = Int(read32(bytes[...], offset + 13))
        let xmlLength = Int(read32(bytes[...], offset + 17))
        let nameStart = offset + recordHeaderSize
        guard nameLength > 0, bytes.count - nameStart - 4 >= nameLength + xmlLength else { return nil }
        let crcOffset = nameStart + nameLength + xmlLength
        guard read32(bytes[...], crcOffset) == CRC32.checksum(bytes[offset..<crcOffset]) else { return nil }
        let name = String(decoding: bytes[nameStart..<(nameStart + nameLength)], as: UTF8.self)
        switch kind {
        case 1:
            let xml = String(decoding: bytes[(nameStart + nameLength)..<crcOffset], as: UTF8.self)
            return (.define(name: name, xml: xml), crcOffset + 4)
        case 2 where xmlLength == 0:
            return (.undefine(name: name), crcOffset + 4)
        default:
            return nil
        }
    }

    /// Every record of `epoch` from `recordsStart` on, and the offset where the next one goes.
    static func decodeRecords(_ bytes: [UInt8], epoch: UInt64) -> (records: [DefinitionJournalRecord], end: Int) {
        var records: [DefinitionJournalRecord] = []
        var offset = recordsStart
        while let (record, next) = decodeRecord(bytes, at: offset, epoch: epoch) {
            records.append(record)
            offset = next
        }
        return (records, offset)
    }

    /// Whether a read that ended at `bytes.count` may have cut the record at `end` short: there is a record
    /// magic there, or too few bytes to tell.
    static func mayContinue(_ bytes: [UInt8], at end: Int) -> Bool {
        bytes.count - end < 4 || read32(bytes[...], end) == recordMagic
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func read32(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[at + i]) << (8 * i) }
        return v
    }

    private static func read64(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt64 {
        UInt64(read32(bytes, at)) | UInt64(read32(bytes, at + 4)) << 32
    }
}

/// One change to the set of persistent domain definitions.
enum DefinitionJournalRecord: Equatable, Sendable {
    case define(name: String, xml: String)
    case undefine(name: String)

    var name: String {
        switch self {
        case .define(let name, _), .undefine(let name): return name
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it): detects a record that was only partly written.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
