import FoundationEssentials
import Glibc

/// UTC offsets of named time zones from the host's compiled tz database (`/usr/share/zoneinfo`, TZif files), for
/// `<clock offset='timezone'>`. The daemon links only FoundationEssentials, whose TimeZone knows no names.
enum ZoneInfo {
    static let directory = "/usr/share/zoneinfo"

    /// Seconds east of UTC in zone `name` at `time` (seconds since the epoch); nil for an unknown zone.
    static func offset(zone name: String, at time: Int64) -> Int? {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(".."),
            let data = FileManager.default.contents(atPath: "\(directory)/\(name)")
        else { return nil }
        return offset(tzif: Array(data), at: time)
    }

    /// The offset of the last transition at or before `time` (a time before the first takes the first
    /// standard-time type). Debian's files list transitions up to 2037; later times keep the last rule's type.
    static func offset(tzif b: [UInt8], at time: Int64) -> Int? {
        guard b.count >= 44, b[0] == 0x54, b[1] == 0x5A, b[2] == 0x69, b[3] == 0x66 else { return nil }
        func be(_ at: Int, _ size: Int) -> Int64? {
            guard at >= 0, at + size <= b.count else { return nil }
            var v: Int64 = 0
            for i in 0..<size { v = v << 8 | Int64(b[at + i]) }
            return size == 4 ? Int64(Int32(truncatingIfNeeded: v)) : v
        }
        func counts(_ header: Int) -> [Int]? {
            let c = (0..<6).compactMap { be(header + 20 + 4 * $0, 4).map(Int.init) }
            return c.count == 6 && c.allSatisfy { $0 >= 0 } ? c : nil
        }
        guard var c = counts(0) else { return nil }
        var header = 0
        var timeSize = 4
        if b[4] >= 0x32 {  // version 2 or later: skip the 32-bit block to the 64-bit one
            let v1 = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]
            header = 44 + v1
            guard let c2 = counts(header) else { return nil }
            c = c2
            timeSize = 8
        }
        let (leaps, times, types) = (c[2], c[3], c[4])
        _ = leaps
        let transitions = header + 44
        let indexes = transitions + times * timeSize
        let infos = indexes + times
        guard types > 0, infos + types * 6 <= b.count else { return nil }
        func utoff(_ type: Int) -> Int? { type < types ? be(infos + type * 6, 4).map(Int.init) : nil }
        var chosen: Int?
        for i in 0..<times {
            guard let t = be(transitions + i * timeSize, timeSize), t <= time else { break }
            chosen = Int(b[indexes + i])
        }
        if let chosen { return utoff(chosen) }
        let firstStandard: Int = (0..<types).first { b[infos + $0 * 6 + 4] == 0 } ?? 0
        return utoff(firstStandard)
    }

    /// The host's own offset at `time` (`localtime`), from the C library.
    static func hostOffset(at time: Int64) -> Int {
        var t = time_t(time)
        var parts = tm()
        localtime_r(&t, &parts)
        return Int(parts.tm_gmtoff)
    }
}
