import FoundationEssentials
import SwiftVirtCore
import SwiftVirtSystem

/// What the live XML says of each disk's source, as libvirt 9.0 numbers block nodes: a disk's own node has the
/// number of its "libvirt-N-format" node (at start counting down from the last disk), and the images of its
/// backing chain, which QEMU opens itself, get the numbers after the highest one in use, disks taken from the
/// last, each chain from the top (qemuDomainDetermineDiskChain's order). Learnt from query-block at start, on
/// reattaching, and after a disk is plugged in or its medium changed.
extension QEMUDomain {
    /// The `inserted` part of each drive query-block lists, by the id of the device it belongs to (query-block
    /// names the device by its QOM path, "/machine/peripheral/ID/...", or by the id alone).
    func insertedMedia() async throws -> [String: JSONValue] {
        guard case .array(let list) = try await qmp.execute("query-block") else { return [:] }
        var byDevice: [String: JSONValue] = [:]
        for entry in list {
            guard let inserted = entry["inserted"] else { continue }
            let qdev = entry["qdev"]?.stringValue ?? ""
            let id = qdev.hasPrefix("/machine/peripheral/") ? String(qdev.split(separator: "/")[2]) : qdev
            byDevice[id] = inserted
        }
        return byDevice
    }

    /// Learns the sources of the disks whose targets are in `targets` (every disk when nil), in libvirt's order.
    func learnDiskSources(_ targets: Set<String>? = nil) async {
        guard let media = try? await insertedMedia() else { return }
        runtime.diskSourcesKnown = true
        let numbers = media.values.compactMap { Self.nodeNumber($0["node-name"]?.stringValue) }
        lastNodeIndex = max(lastNodeIndex, numbers.max() ?? 0, targets == nil ? liveDevices.disks.count : 0)
        for disk in liveDevices.disks.reversed() where targets?.contains(disk.targetDev) ?? true {
            guard let inserted = disk.alias.flatMap({ media[$0] }),
                let index = Self.nodeNumber(inserted["node-name"]?.stringValue)
            else {
                runtime.diskSources[disk.targetDev] = nil
                continue
            }
            var backing: [DiskLiveSource.BackingImage] = []
            var image = inserted["image"]?["backing-image"]
            while let b = image, let path = b["filename"]?.stringValue {
                lastNodeIndex += 1
                backing.append(
                    .init(
                        index: lastNodeIndex, path: path, format: b["format"]?.stringValue ?? "raw",
                        isBlockDevice: HostFileSize(path: path)?.isBlockDevice ?? false))
                image = b["backing-image"]
            }
            runtime.diskSources[disk.targetDev] = DiskLiveSource(index: index, backing: backing)
        }
    }

    /// An ejected drive keeps the number its empty medium was given, as libvirt's live XML shows it.
    func recordEjected(_ target: String, index: Int) {
        runtime.diskSources[target] = DiskLiveSource(index: index)
    }

    /// N of a "libvirt-N-..." node name.
    static func nodeNumber(_ name: String?) -> Int? {
        guard let name, name.hasPrefix("libvirt-") else { return nil }
        return Int(name.dropFirst("libvirt-".count).prefix(while: \.isNumber))
    }
}
