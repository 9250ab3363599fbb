import FoundationEssentials
import Synchronization

/// Vendor and device names from the PCI ID database (pci.ids), as libpciaccess gives them to libvirt: the
/// vendor line, and the device line below it (any subsystem). Read once, on first use.
enum PCIIDs {
    static let paths = ["/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"]
    private static let table = Mutex<(loaded: Bool, vendors: [UInt32: String], devices: [UInt32: String])>(
        (false, [:], [:]))

    static func names(vendor: UInt32, device: UInt32) -> (vendor: String?, device: String?) {
        table.withLock { t in
            if !t.loaded {
                t.loaded = true
                let text = paths.lazy.compactMap { SysfsDevice.read($0) }.first ?? ""
                (t.vendors, t.devices) = parse(text)
            }
            return (t.vendors[vendor], t.devices[vendor << 16 | device])
        }
    }

    /// Vendors by id, devices by vendor << 16 | device; the class section (`C ...`) ends the vendor list.
    static func parse(_ text: String) -> ([UInt32: String], [UInt32: String]) {
        var vendors: [UInt32: String] = [:]
        var devices: [UInt32: String] = [:]
        var vendor: UInt32?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let first = line.first, first != "#" else { continue }
            if line.hasPrefix("C ") { break }
            if first == "\t" {
                guard let v = vendor, !line.hasPrefix("\t\t") else { continue }
                let body = line.dropFirst()
                if let (id, name) = entry(body) { devices[v << 16 | id] = name }
            } else if let (id, name) = entry(line) {
                vendor = id
                vendors[id] = name
            }
        }
        return (vendors, devices)
    }

    /// "1af4  Red Hat, Inc." → (0x1af4, "Red Hat, Inc.").
    private static func entry(_ s: Substring) -> (UInt32, String)? {
        guard s.count > 6, let id = UInt32(s.prefix(4), radix: 16) else { return nil }
        return (id, String(s.dropFirst(4).drop { $0 == " " }))
    }
}
