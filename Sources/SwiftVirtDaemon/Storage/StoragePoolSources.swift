import SwiftVirtCore
import SwiftVirtSystem

/// virConnectFindStoragePoolSources (virsh find-storage-pool-sources): what the backends here can probe, in
/// libvirt's `<sources>` format. `logical` lists volume groups and their physical volumes (`pvs`); `netfs`
/// lists a host's NFS exports (`showmount`); types whose libvirt backend has no discovery say so, and types
/// without a backend here fail as libvirt does without the module.
enum StoragePoolSources {
    static func find(type name: String, spec: String?) async throws -> String {
        guard let type = StoragePoolDefinition.PoolType(rawValue: name) else {
            throw VirtError(.internalError, domain: .storage, detail: "unknown storage pool type \(name)")
        }
        if StorageBackends.host.backend(type) is MissingPoolBackend {
            throw MissingPoolBackend(type: type).error
        }
        let sources: [StoragePoolSource]
        switch type {
        case .logical:
            sources = try await BlockingIO.run { try LogicalPoolBackend.findSources() }
        case .netfs:
            sources = try await netfs(spec)
        default:
            throw VirtError(
                .noSupport, domain: .storage, detail: "pool type '\(name)' does not support source discovery")
        }
        return format(sources)
    }

    static func format(_ sources: [StoragePoolSource]) -> String {
        var out = "<sources>\n"
        for s in sources {
            let one = StoragePoolXML.sourceXML(s)
            out += one.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        return out + "</sources>\n"
    }

    /// `<source><host name='H'/></source>` → each export of H as a netfs source with format nfs.
    private static func netfs(_ spec: String?) async throws -> [StoragePoolSource] {
        guard let spec else {
            throw VirtError(.invalidArg, domain: .storage, detail: "hostname must be specified for netfs sources")
        }
        let source = try StoragePoolXML.parseSource(spec)
        guard source.hosts.count == 1 else {
            throw VirtError(
                .configUnsupported, domain: .storage, detail: "Expected exactly 1 host for the storage pool")
        }
        let host = source.hosts[0].name
        let (status, out) = await BlockingIO.run { StorageCommand.probe("showmount", ["--no-headers", "--exports", host]) }
        guard status == 0 else {
            throw VirtError(
                .operationFailed, domain: .storage, detail: "no storage pools were found on host '\(host)'")
        }
        return out.split(separator: "\n").compactMap { line in
            guard let space = line.lastIndex(of: " ") else { return nil }
            let dir = line[..<space].trimmingWhitespace()
            guard dir.hasPrefix("/") else { return nil }
            var s = StoragePoolSource()
            s.hosts = [.init(name: host)]
            s.dir = dir
            s.format = "nfs"
            return s
        }
    }
}
