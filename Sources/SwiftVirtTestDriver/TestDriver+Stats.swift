import SwiftVirtCore

/// What libvirt's test driver answers from a domain's definition whatever its state: stats records of the `state`
/// and `iothread` groups, and fixed block info for any disk with a source.
extension TestDriver: DefinitionDomainStats, DefinitionBlockInfo {
    public var statsGroups: [DomainStatsGroup] { [.state, .iothread] }

    /// libvirt's test driver reports only the IOThreads of a host loaded from a file and those added with
    /// iothreadadd (neither of which this daemon offers): not those a defined domain's XML names. So `iothread`
    /// is always empty here.
    public func statistics(_ group: DomainStatsGroup, of definition: DomainDefinition, active: Bool) -> [TypedStat] {
        []
    }

    /// libvirt's test driver gives every disk with a source the same figures, about a terabyte.
    public func blockInfo(disk path: String, of definition: DomainDefinition) throws -> BlockInfo {
        let disk = try Self.disk(path, of: definition) {
            VirtError(.invalidArg, domain: .test, detail: "invalid path \(path) not assigned to domain")
        }
        guard disk.sourcePath != nil || disk.networkSource != nil else {
            throw VirtError(
                .invalidArg, domain: .test, detail: "disk '\(path)' does not currently have a source assigned")
        }
        return BlockInfo(capacity: 1_099_506_450_432, allocation: 1_099_511_627_776, physical: 1_099_511_627_776)
    }

    /// A disk by target or source path, or `missing`.
    static func disk(_ name: String, of definition: DomainDefinition, missing: () -> VirtError) throws -> Disk {
        guard let disk = definition.devices.disks.first(where: { $0.targetDev == name || $0.sourcePath == name }) else {
            throw missing()
        }
        return disk
    }
}
