import SwiftVirtCore
import SwiftVirtSystem

/// virDomainGetBlockInfo of a running guest, from what QEMU says of the disk's top image: its virtual size,
/// the bytes it takes on the host, and the highest offset the guest has written (libvirt's figures).
extension QEMUDomain: DiskBlockInfo {
    public func blockInfo(disk: String) async throws -> BlockInfo {
        try requireAlive()
        let disks = liveDevices.disks
        guard
            let index = disks.firstIndex(where: {
                $0.targetDev == disk || ($0.sourcePath != nil && $0.sourcePath == disk)
            })
        else {
            throw VirtError(.invalidArg, domain: .qemu, detail: "invalid path \(disk) not assigned to domain")
        }
        let target = disks[index]
        guard target.sourcePath != nil || target.networkSource != nil else {
            throw VirtError(
                .invalidArg, domain: .qemu, detail: "disk '\(disk)' does not currently have a source assigned")
        }
        let node = await formatNodes(of: disks)[index]
        let figures = try await job.run {
            try requireAlive()
            return QMPBlockFigures(
                blockstats: nil,
                nodeStats: try await qmp.execute("query-blockstats", arguments: ["query-nodes": .bool(true)]),
                namedNodes: try await qmp.execute("query-named-block-nodes", arguments: ["flat": .bool(true)]))
        }
        guard let node, let image = figures.nodes[node] else {
            throw VirtError(.internalError, domain: .qemu, detail: "cannot find statistics for device '\(disk)'")
        }
        let physical = image.physical ?? 0
        var allocation = physical
        if let highest = image.highestWrite, !(target.type == .file && target.driver?.format == .qcow2) {
            allocation = highest
        }
        // A sparse file or one not written yet: the file's size on the host is its physical size.
        var reported = physical
        if physical == 0 || allocation == 0 || allocation == physical {
            if allocation == 0 { allocation = physical }
            if let size = target.sourcePath.flatMap(HostFileSize.init(path:))?.size { reported = size }
        }
        return BlockInfo(capacity: image.capacity ?? 0, allocation: allocation, physical: reported)
    }
}
