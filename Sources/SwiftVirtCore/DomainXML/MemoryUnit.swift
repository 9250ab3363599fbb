/// libvirt's scaled-integer units for `<memory unit=...>`: decimal (KB, MB, ...) and binary (k, KiB, M, ...).
enum MemoryUnit {
    static func bytesPerUnit(_ unit: String) -> UInt64? {
        let k: UInt64 = 1024
        switch unit {
        case "b", "bytes": return 1
        case "KB": return 1000
        case "k", "K", "KiB": return k
        case "MB": return 1_000_000
        case "M", "m", "MiB": return k * k
        case "GB": return 1_000_000_000
        case "G", "g", "GiB": return k * k * k
        case "TB": return 1_000_000_000_000
        case "T", "t", "TiB": return k * k * k * k
        case "PB": return 1_000_000_000_000_000
        case "P", "p", "PiB": return k * k * k * k * k
        case "EB": return 1_000_000_000_000_000_000
        case "E", "e", "EiB": return k * k * k * k * k * k
        default: return nil
        }
    }

    /// Converts `value` `unit`s to KiB, rounding up as libvirt does; nil on overflow or an unknown unit.
    static func kibibytes(_ value: UInt64, unit: String) -> UInt64? {
        guard let scale = bytesPerUnit(unit) else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        return bytes / 1024 + (bytes % 1024 == 0 ? 0 : 1)
    }
}
