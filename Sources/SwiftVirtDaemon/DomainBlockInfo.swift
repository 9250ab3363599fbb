import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// virDomainGetBlockInfo: a running domain's driver says what its hypervisor sees; for an inactive domain the
/// image is read as libvirt's QEMU driver reads it (capacity from the image header, allocation the blocks the
/// file takes on the host, physical its size). A driver answering from definitions (`DefinitionBlockInfo`) does so
/// in either state.
enum DomainBlockInfo {
    static func info(
        of path: String, in uuid: DomainUUID, _ registry: DomainRegistry, hypervisor: any HypervisorDriver
    ) async throws -> BlockInfo {
        let rec = try await registry.record(uuid)
        if let fixed = hypervisor as? any DefinitionBlockInfo {
            return try fixed.blockInfo(disk: path, of: rec.live ?? rec.config)
        }
        guard !rec.isActive else {
            return try await registry.withActive(uuid) { running in
                guard let disks = running as? any DiskBlockInfo else {
                    throw VirtError(.noSupport, domain: .domain, detail: "virDomainGetBlockInfo")
                }
                return try await disks.blockInfo(disk: path)
            }
        }
        guard let disk = rec.config.devices.disks.first(where: { $0.targetDev == path || $0.sourcePath == path }) else {
            throw VirtError(.invalidArg, domain: .qemu, detail: "invalid path \(path) not assigned to domain")
        }
        guard let source = disk.sourcePath, disk.type == .file || disk.type == .block else {
            if disk.sourcePath == nil && disk.networkSource == nil {
                throw VirtError(
                    .invalidArg, domain: .qemu, detail: "disk '\(path)' does not currently have a source assigned")
            }
            throw VirtError(
                .operationUnsupported, domain: .qemu, detail: "block info of disk '\(path)' is not supported")
        }
        guard let sizes = HostFileSize(path: source) else {
            throw VirtError(
                .systemError, domain: .qemu, detail: "cannot stat file '\(source)': \(String(cString: strerror(errno)))"
            )
        }
        let physical = sizes.size
        let allocation = sizes.allocated
        var capacity = physical
        if disk.driver?.format != .raw, let header = try? await QemuImg.info(source), header.format != .raw {
            capacity = header.virtualSize
        }
        return BlockInfo(capacity: capacity, allocation: allocation, physical: physical)
    }
}
