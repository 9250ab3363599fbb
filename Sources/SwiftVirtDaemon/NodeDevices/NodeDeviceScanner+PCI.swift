import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

extension NodeDeviceScanner {
    static func pci(_ sys: SysfsDevice) -> NodeDevice? {
        guard let cls = sys.properties["PCI_CLASS"].flatMap({ Int($0, radix: 16) }),
            let address = pciAddress(PathText.name(of: sys.path)),
            let vendor = sys.attribute("vendor").flatMap(hex), let product = sys.attribute("device").flatMap(hex)
        else { return nil }
        var p = NodeDevice.PCI(address: address, vendor: vendor, product: product)
        p.classCode = cls
        (p.vendorName, p.productName) = PCIIDs.names(vendor: vendor, device: product)
        p.numaNode = sys.attribute("numa_node").flatMap { Int($0) }
        p.physicalFunction = sys.link("physfn").flatMap(pciAddress)
        let fm = FileManager.default
        let entries = (try? fm.contentsOfDirectory(atPath: sys.path)) ?? []
        let vfs = entries.filter { $0.hasPrefix("virtfn") }.compactMap { e in Int(e.dropFirst(6)).map { ($0, e) } }
            .sorted { $0.0 < $1.0 }.compactMap { sys.link($0.1).flatMap(pciAddress) }
        let maxVFs = sys.attribute("sriov_totalvfs").flatMap { UInt32($0) } ?? 0
        if maxVFs > 0 || !vfs.isEmpty { p.virtualFunctions = NodeDevice.VirtualFunctions(max: maxVFs, functions: vfs) }
        if let group = sys.link("iommu_group"), let number = Int(group) {
            let members = ((try? fm.contentsOfDirectory(atPath: "/sys/kernel/iommu_groups/\(group)/devices")) ?? [])
                .compactMap(pciAddress)
            p.iommuGroup = NodeDevice.IOMMUGroup(number: number, members: members)
        }
        readConfig(sys.path + "/config", into: &p)
        return NodeDevice(name: name(sys, nil), path: sys.path, parent: nil, capability: .pci(p))
    }

    /// "0000:00:1f.2" → its parts, as libvirt reads them from the end of the sysfs path.
    static func pciAddress(_ s: String) -> NodeDevice.PCIAddress? {
        let parts = s.split(whereSeparator: { $0 == ":" || $0 == "." })
        guard parts.count == 4, let d = UInt32(parts[0], radix: 16), let b = UInt32(parts[1], radix: 16),
            let sl = UInt32(parts[2], radix: 16), let f = UInt32(parts[3], radix: 16)
        else { return nil }
        return NodeDevice.PCIAddress(domain: d, bus: b, slot: sl, function: f)
    }

    private static func hex(_ s: String) -> UInt32? {
        UInt32(s.hasPrefix("0x") ? String(s.dropFirst(2)) : s, radix: 16)
    }

    /// Header type and PCI Express link from the configuration space, read as libvirt reads them (as root): a
    /// device is Express when its capability list has the Express capability or, failing that, when its
    /// configuration file is not the 256 bytes of conventional PCI.
    private static func readConfig(_ path: String, into p: inout NodeDevice.PCI) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var config = [UInt8](repeating: 0, count: 256)
        let n = config.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 256, 0) }
        guard n >= 64 else { return }
        func u8(_ at: Int) -> Int { at < n ? Int(config[at]) : 0 }
        func u16(_ at: Int) -> Int { u8(at) | u8(at + 1) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        p.headerType = u8(0x0E) & 0x7F
        var expressAt = 0
        if u16(0x06) & 0x10 != 0 {
            var pos = u8(0x34)
            var hops = 0
            while pos >= 0x40 && pos != 0xFF && hops < 48 {
                if u8(pos) == 0x10 {
                    expressAt = pos
                    break
                }
                pos = u8(pos + 1)
                hops += 1
            }
        }
        var st = stat()
        let length = fstat(fd, &st) == 0 ? Int(st.st_size) : -1
        guard expressAt != 0 || length != 256 else { return }
        guard expressAt != 0 else {
            p.express = .init(cap: nil, sta: nil)
            return
        }
        let type = (u16(expressAt + 2) & 0xF0) >> 4
        guard type != 0x9 && type != 0xA else {
            p.express = .init(cap: nil, sta: nil)
            return
        }
        let cap = u32(expressAt + 0x0C)
        let sta = u16(expressAt + 0x12)
        p.express = .init(
            cap: .init(port: cap >> 24, speed: cap & 0xF, width: (cap & 0x3F0) >> 4),
            sta: .init(port: nil, speed: sta & 0xF, width: (sta & 0x3F0) >> 4))
    }
}
