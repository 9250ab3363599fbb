import SwiftVirtClient
import SwiftVirtWire

/// Text and JSON the pool, volume and network commands print, shaped like virsh's.
enum StorageListing {
    /// virsh's capacity text: two decimals in the largest binary unit below the value ("20.00 MiB").
    static func capacity(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let hundredths = Int64((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[unit])"
    }

    /// virStoragePoolState as virsh names it in pool-info and `pool-list --details`.
    static func poolStateName(_ state: UInt8) -> String {
        ["inactive", "building", "running", "degraded", "inaccessible"].element(at: Int(state)) ?? "unknown"
    }

    /// virStorageVolType as virsh names it.
    static func volumeTypeName(_ type: Int8) -> String {
        ["file", "block", "dir", "network", "netdir", "ploop"].element(at: Int(type)) ?? "unknown"
    }

    static func yesNo(_ flag: Bool) -> String { flag ? "yes" : "no" }

    static func bytes(_ value: UInt64) -> JSONValue { .number(Int64(clamping: value)) }

    /// `Key:           value` lines, values starting in column 17 as virsh aligns them.
    static func block(_ rows: [(String, String)]) -> String {
        rows.map { key, value in
            let label = key + ":"
            return label + String(repeating: " ", count: max(1, 16 - label.count)) + value
        }.joined(separator: "\n")
    }

    /// `text` escaped for an XML element or attribute value.
    static func xmlEscaped(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "'": out += "&apos;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A size as virsh's scaled integers read it: digits, then an optional unit (b; k, m, g, t, p, e or KiB...
    /// for powers of 1024; KB, MB... for powers of 1000). A bare number is bytes.
    static func parseSize(_ text: String, what: String) throws(CommandFailure) -> UInt64 {
        let digits = text.prefix { $0.isNumber }
        let suffix = text.dropFirst(digits.count).lowercased()
        let exponents: [Character: UInt64] = ["k": 1, "m": 2, "g": 3, "t": 4, "p": 5, "e": 6]
        var scale: UInt64? = nil
        if suffix.isEmpty || suffix == "b" || suffix == "bytes" {
            scale = 1
        } else if let first = suffix.first, let exponent = exponents[first] {
            let rest = suffix.dropFirst()
            let base: UInt64? = rest.isEmpty || rest == "ib" ? 1024 : rest == "b" ? 1000 : nil
            if let base { scale = (0..<exponent).reduce(1) { acc, _ in acc &* base } }
        }
        guard let value = UInt64(digits), let scale, value <= UInt64.max / scale else {
            throw CommandFailure(
                message: "invalid \(what) '\(text)'", hint: "use a number with an optional unit, e.g. 20M or 10GiB")
        }
        return value * scale
    }
}

extension Array {
    func element(at index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
