import Glibc

/// The statistics a domain's definition alone gives: all libvirt reports for an inactive domain, and the parts of
/// a running one's record that do not come from the hypervisor.
public enum DefinitionStats {
    /// An inactive domain's entries of `group`, as libvirt's QEMU driver fills them (`state` excepted). libvirt
    /// reads an inactive domain's CPU times from a process that is not there; they are zero here.
    public static func inactive(_ group: DomainStatsGroup, of def: DomainDefinition) -> [TypedStat] {
        switch group {
        case .cpuTotal:
            return ["cpu.time", "cpu.user", "cpu.system"].map { TypedStat($0, .ullong(0)) }
        case .balloon:
            return balloonSizes(def)
        case .vcpu:
            return vcpuCounts(def)
        case .block:
            var out = [TypedStat("block.count", .uint(UInt32(def.devices.disks.count)))]
            for (i, disk) in def.devices.disks.enumerated() {
                out += header(disk, index: i, backingIndex: nil)
                guard let path = localPath(disk), let facts = ImageFileFacts(path: path) else { continue }
                let figures = [("allocation", facts.allocated), ("capacity", facts.capacity), ("physical", facts.size)]
                out += figures.filter { $0.1 > 0 }.map { TypedStat("block.\(i).\($0.0)", .ullong($0.1)) }
            }
            return out
        case .state, .interface, .perf, .iothread, .memory, .dirtyRate, .vm:
            return []
        }
    }

    /// `balloon.current` and `balloon.maximum`: without a balloon the guest always has all its memory.
    public static func balloonSizes(_ def: DomainDefinition) -> [TypedStat] {
        let hasBalloon = def.devices.memballoon.map { $0.model != .none } ?? false
        return [
            TypedStat("balloon.current", .ullong(hasBalloon ? def.currentMemoryKiB : def.memoryKiB)),
            TypedStat("balloon.maximum", .ullong(def.memoryKiB)),
        ]
    }

    /// `vcpu.current` and `vcpu.maximum`.
    public static func vcpuCounts(_ def: DomainDefinition) -> [TypedStat] {
        [
            TypedStat("vcpu.current", .uint(UInt32(def.currentVcpus ?? def.vcpus))),
            TypedStat("vcpu.maximum", .uint(UInt32(def.vcpus))),
        ]
    }

    /// A disk's `block.<i>.name`, `.path` (local storage only) and `.backingIndex` (images QEMU has opened).
    public static func header(_ disk: Disk, index i: Int, backingIndex: Int?) -> [TypedStat] {
        var out = [TypedStat("block.\(i).name", .string(disk.targetDev))]
        if let path = localPath(disk) { out.append(TypedStat("block.\(i).path", .string(path))) }
        if let backingIndex { out.append(TypedStat("block.\(i).backingIndex", .uint(UInt32(backingIndex)))) }
        return out
    }

    /// The size of a disk's local image file (libvirt's `physical` when QEMU does not say).
    public static func fileSize(_ disk: Disk) -> UInt64? {
        localPath(disk).flatMap { ImageFileFacts(path: $0) }.map(\.size)
    }

    static func localPath(_ disk: Disk) -> String? {
        guard disk.networkSource == nil else { return nil }
        return disk.sourcePath
    }
}

/// What a disk image file says of itself without QEMU: its size on the host, the bytes allocated to it, and the
/// size the guest sees (a qcow2 header's, otherwise the file's).
struct ImageFileFacts {
    var size: UInt64
    var allocated: UInt64
    var capacity: UInt64

    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        size = UInt64(max(0, st.st_size))
        allocated = UInt64(max(0, st.st_blocks)) * 512
        capacity = Self.qcow2VirtualSize(fd) ?? size
    }

    /// The virtual size in a qcow2 header ("QFI\xfb", big-endian size at offset 24), nil for other files.
    static func qcow2VirtualSize(_ fd: Int32) -> UInt64? {
        var header = [UInt8](repeating: 0, count: 32)
        guard pread(fd, &header, 32, 0) == 32, header[0..<4] == [0x51, 0x46, 0x49, 0xFB] else { return nil }
        return header[24..<32].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
