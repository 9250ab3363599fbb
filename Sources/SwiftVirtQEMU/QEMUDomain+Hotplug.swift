import FoundationEssentials
import SwiftVirtCore
import SwiftVirtSystem

/// Disks plugged into and out of a running guest, and media changed, as libvirt's QEMU driver does it with
/// -blockdev: block nodes added over QMP, the frontend added with the same option string a start would use
/// (device_add), removal requested with device_del and finished when the guest lets go (DEVICE_DELETED).
extension QEMUDomain: DeviceHotplug {
    /// What is known of removals requested with device_del, by device alias.
    struct DeviceRemovals {
        /// Block nodes to delete once the device is gone.
        var nodes: [String: [String]] = [:]
        /// The network backend to delete once the device is gone.
        var netdevs: [String: String] = [:]
        /// The kind of backend (an RNG's object, a redirector's character device) to delete once the device is
        /// gone.
        var backends: [String: String] = [:]
        /// Detach calls waiting for their device to go.
        var waiters: [String: CheckedContinuation<Bool, Never>] = [:]
        /// Gone before anyone waited.
        var removed: Set<String> = []
    }

    /// How long a detach waits for the guest before answering (libvirt: 5 s), the removal then going on.
    static let removalWait: Duration = .seconds(5)

    public func attachDisk(target: String, of live: DomainDefinition) async throws {
        try await job.run {
            try requireAlive()
            guard let i = live.devices.disks.firstIndex(where: { $0.targetDev == target }) else {
                throw VirtError(.internalError, domain: .qemu, detail: "no disk with target \(target) to attach")
            }
            try Self.refuseHotplug(live.devices.disks[i])
            let (pieces, added) = try await addDiskNodes(i, of: live)
            do {
                try await humanCommand("device_add " + pieces.device)
            } catch {
                await deleteBlockNodes(added.reversed())
                throw error
            }
            liveDevices.disks = live.devices.disks
            await learnDiskSources([target])
        }
    }

    public func attachInterface(alias: String, of live: DomainDefinition) async throws {
        try await job.run {
            try requireAlive()
            guard let i = live.devices.interfaces.firstIndex(where: { $0.alias == alias }) else {
                throw VirtError(.internalError, domain: .qemu, detail: "no interface \(alias) to attach")
            }
            var builder = ArgumentBuilder(definition: live, context: hotplugContext(live))
            let pieces = try builder.interfacePieces(i)
            try await humanCommand("netdev_add " + pieces.netdev)
            do {
                try await humanCommand("device_add " + pieces.device)
            } catch {
                _ = try? await qmp.execute("netdev_del", arguments: ["id": .string("host\(alias)")])
                throw error
            }
            liveDevices.interfaces = live.devices.interfaces
        }
    }

    public func detachDevice(alias: String) async throws -> Bool {
        try await job.run {
            try requireAlive()
            removals.removed.remove(alias)
            removals.nodes[alias] = try await blockNodes(of: alias)
            removals.netdevs[alias] = try await netdev(of: alias)
            removals.backends[alias] = backendOption(of: alias)
            do {
                _ = try await qmp.execute("device_del", arguments: ["id": .string(alias)])
            } catch {
                removals.nodes[alias] = nil
                removals.netdevs[alias] = nil
                removals.backends[alias] = nil
                throw error
            }
            return await waitForRemoval(alias)
        }
    }

    public func changeMedia(target: String, of live: DomainDefinition) async throws {
        try await job.run {
            try requireAlive()
            guard let i = live.devices.disks.firstIndex(where: { $0.targetDev == target }),
                let alias = live.devices.disks[i].alias
            else { throw VirtError(.internalError, domain: .qemu, detail: "no drive with target \(target)") }
            let old = try await blockNodes(of: alias)
            let id: [String: JSONValue] = ["id": .string(alias)]
            // The new medium's nodes first: a medium QEMU cannot open (locked by another user) changes nothing.
            let (pieces, added) = try await addDiskNodes(i, of: live)
            do {
                _ = try await qmp.execute("blockdev-open-tray", arguments: id.merging(["force": .bool(true)]) { a, _ in a })
                _ = try await qmp.execute("blockdev-remove-medium", arguments: id)
            } catch {
                await deleteBlockNodes(added.reversed())
                throw error
            }
            do {
                if let format = added.last {
                    _ = try await qmp.execute(
                        "blockdev-insert-medium", arguments: id.merging(["node-name": .string(format)]) { a, _ in a })
                }
                _ = try await qmp.execute("blockdev-close-tray", arguments: id)
            } catch {
                // Back to the medium the guest had.
                if let previous = old.first {
                    _ = try? await qmp.execute(
                        "blockdev-insert-medium", arguments: id.merging(["node-name": .string(previous)]) { a, _ in a })
                }
                _ = try? await qmp.execute("blockdev-close-tray", arguments: id)
                await deleteBlockNodes(added.reversed())
                throw error
            }
            await deleteBlockNodes(old)
            liveDevices.disks = live.devices.disks
            if added.isEmpty { recordEjected(target, index: lastNodeIndex) } else { await learnDiskSources([target]) }
        }
    }

    public func resizeDisk(alias: String, bytes: UInt64) async throws {
        try await job.run {
            try requireAlive()
            guard let format = try await blockNodes(of: alias).first else {
                throw VirtError(.internalError, domain: .qemu, detail: "no block node behind disk \(alias)")
            }
            _ = try await qmp.execute(
                "block_resize", arguments: ["node-name": .string(format), "size": .int(Int64(clamping: bytes))])
        }
    }

    /// QEMU's DEVICE_DELETED: the guest let go of a device we asked it to release.
    func hotplugDeviceDeleted(_ event: QMPEvent) async {
        guard let alias = event.data["device"]?.stringValue, let nodes = removals.nodes.removeValue(forKey: alias)
        else { return }
        await deleteBlockNodes(nodes)
        if let netdev = removals.netdevs.removeValue(forKey: alias) {
            _ = try? await qmp.execute("netdev_del", arguments: ["id": .string(netdev)])
        }
        if let backend = removals.backends.removeValue(forKey: alias) { await deleteBackend(backend, of: alias) }
        forgetDevice(alias)
        await observer.domainDeviceRemoved(definition.uuid, alias: alias)
        if let waiter = removals.waiters.removeValue(forKey: alias) {
            waiter.resume(returning: true)
        } else {
            removals.removed.insert(alias)
        }
    }

    private func waitForRemoval(_ alias: String) async -> Bool {
        if removals.removed.remove(alias) != nil { return true }
        return await withCheckedContinuation { continuation in
            removals.waiters[alias] = continuation
            Task { [weak self] in
                try? await Task.sleep(for: Self.removalWait)
                await self?.removalWaitEnded(alias)
            }
        }
    }

    private func removalWaitEnded(_ alias: String) {
        removals.waiters.removeValue(forKey: alias)?.resume(returning: false)
    }

    // MARK: pieces

    /// blockdev-add of each -blockdev option string in order; the names of the nodes added. A failure removes
    /// those added before it.
    private func addBlockNodes(_ options: [String]) async throws -> [String] {
        var added: [String] = []
        do {
            for option in options {
                let arguments = Self.blockdevArguments(option)
                _ = try await qmp.execute("blockdev-add", arguments: arguments)
                if let name = arguments["node-name"]?.stringValue { added.append(name) }
            }
        } catch {
            await deleteBlockNodes(added.reversed())
            throw error
        }
        return added
    }

    /// The nodes of disk `index` of `live` (its key's secret object first for an encrypted disk) under a new node
    /// number; the pieces and the names of the nodes added.
    private func addDiskNodes(_ index: Int, of live: DomainDefinition) async throws
        -> (pieces: (blockdevs: [String], device: String), added: [String])
    {
        var builder = ArgumentBuilder(definition: live, context: hotplugContext(live))
        let nodeIndex = try await nextNodeIndex()
        let pieces = try builder.diskPieces(index, nodeIndex: nodeIndex)
        try await addDiskSecret(live.devices.disks[index], nodeIndex: nodeIndex)
        do {
            return (pieces, try await addBlockNodes(pieces.blockdevs))
        } catch {
            await deleteDiskSecret(nodeIndex: nodeIndex)
            throw error
        }
    }

    /// blockdev-del of each node, in the order given (a format node before its storage node), and of the secret
    /// object of an encrypted format node.
    private func deleteBlockNodes(_ names: some Sequence<String>) async {
        for name in names {
            _ = try? await qmp.execute("blockdev-del", arguments: ["node-name": .string(name)])
            if name.hasPrefix("libvirt-"), name.hasSuffix("-format"),
                let index = Int(name.dropFirst("libvirt-".count).dropLast("-format".count))
            {
                await deleteDiskSecret(nodeIndex: index)
            }
        }
    }

    /// The key of an encrypted disk as a QEMU secret object, given over the monitor (never a file or command line).
    private func addDiskSecret(_ disk: Disk, nodeIndex: Int) async throws {
        guard let enc = disk.encryption, enc.format == .luks, !enc.secrets.isEmpty else { return }
        guard let key = enc.key else {
            throw VirtError(.internalError, domain: .qemu, detail: "no key for the encrypted disk '\(disk.targetDev)'")
        }
        _ = try await qmp.execute(
            "object-add",
            arguments: [
                "qom-type": .string("secret"), "id": .string(QEMUDiskEncryption.alias(nodeIndex: nodeIndex)),
                "data": .string(Data(key).base64EncodedString()), "format": .string("base64"),
            ])
    }

    /// Removes the secret object of format node `nodeIndex`, if there is one.
    private func deleteDiskSecret(nodeIndex: Int) async {
        _ = try? await qmp.execute("object-del", arguments: ["id": .string(QEMUDiskEncryption.alias(nodeIndex: nodeIndex))])
    }

    /// libvirt's rules for which disks can be plugged into a running guest.
    static func refuseHotplug(_ disk: Disk) throws {
        if disk.device == .floppy {
            throw VirtError(.operationUnsupported, domain: .qemu, detail: "floppy device hotplug isn't supported")
        }
        switch disk.targetBus ?? .ide {
        case .virtio:
            if disk.device == .cdrom {
                throw VirtError(.operationUnsupported, domain: .qemu, detail: "cdrom device with virtio bus isn't supported")
            }
        case .usb, .scsi:
            break
        case let bus:
            throw VirtError(.operationUnsupported, domain: .qemu, detail: "disk bus '\(bus.rawValue)' cannot be hotplugged.")
        }
    }

    func hotplugContext(_ live: DomainDefinition) -> QEMUCommandLine.Context {
        QEMUCommandLine.Context(
            accelerator: .usable, monitorSocketPath: "", channelDirectory: status.domainDirectory,
            defaultMachine: live.os.machine ?? "pc", startPaused: false)
    }

    /// The human monitor's answer is empty on success and the error's text otherwise.
    func humanCommand(_ line: String) async throws {
        let out = try await qmp.execute("human-monitor-command", arguments: ["command-line": .string(line)])
        // A pty backend's notice of the terminal it opened is not an error.
        let lines = (out.stringValue ?? "").split(separator: "\n").filter { !$0.hasPrefix("char device redirected to ") }
        var text = lines.joined(separator: "\n").trimmingWhitespace()
        if !text.isEmpty {
            // QMP's error has the description alone; the human monitor puts "Error: " before it.
            if text.hasPrefix("Error: ") { text = String(text.dropFirst("Error: ".count)) }
            logger.error("human monitor command '\(line)' failed: \(text)")
            // Named as libvirt names the QMP command it sends (object-add is object_add to the human monitor).
            let word = line.split(separator: " ").first.map(String.init) ?? line
            let command = word == "object_add" ? "object-add" : word
            throw VirtError(.internalError, domain: .qemu, detail: "unable to execute QEMU command '\(command)': \(text)")
        }
    }

    /// The format node behind the device `alias` and its storage node ("libvirt-N-format", "libvirt-N-storage").
    private func blockNodes(of alias: String) async throws -> [String] {
        guard let format = try await insertedNodes()[alias] else { return [] }
        guard format.hasSuffix("-format") else { return [format] }
        return [format, String(format.dropLast("-format".count)) + "-storage"]
    }

    /// The network backend of the interface `alias` (libvirt's "host" + alias), when QEMU has it.
    private func netdev(of alias: String) async throws -> String? {
        let id = "host\(alias)"
        // Network backends are not QOM objects QMP could list; the human monitor lists them.
        let text = try await qmp.execute("human-monitor-command", arguments: ["command-line": .string("info network")])
        return (text.stringValue ?? "").contains("\(id):") ? id : nil
    }

    /// The format node each disk of `disks` has in QEMU now (nil for an empty drive), found by the disk's alias.
    func formatNodes(of disks: [Disk]) async -> [String?] {
        let byDevice = (try? await insertedNodes()) ?? [:]
        return disks.map { disk in disk.alias.flatMap { byDevice[$0] } }
    }

    /// The node inserted in each drive, by the id of the device it belongs to.
    private func insertedNodes() async throws -> [String: String] {
        try await insertedMedia().compactMapValues { $0["node-name"]?.stringValue }
    }

    /// One past the highest N of the "libvirt-N-..." block nodes QEMU has and of the numbers given before (a
    /// backing image's, an ejected drive's).
    private func nextNodeIndex() async throws -> Int {
        let nodes = try await qmp.execute("query-named-block-nodes", arguments: ["flat": .bool(true)])
        let numbers = (nodes.arrayValue ?? []).compactMap { Self.nodeNumber($0["node-name"]?.stringValue) }
        lastNodeIndex = max(lastNodeIndex, numbers.max() ?? 0) + 1
        return lastNodeIndex
    }

    /// A -blockdev option string as blockdev-add's arguments: dotted keys nest, the boolean options become
    /// booleans, everything else stays a string (",," is a comma).
    static func blockdevArguments(_ option: String) -> [String: JSONValue] {
        let booleans: Set<String> = ["read-only", "auto-read-only", "direct", "no-flush", "force-share"]
        var pairs: [String] = []
        var current = ""
        var chars = option.makeIterator()
        var pending = chars.next()
        while let ch = pending {
            pending = chars.next()
            if ch == "," {
                if pending == "," {
                    current.append(",")
                    pending = chars.next()
                } else {
                    pairs.append(current)
                    current = ""
                }
            } else {
                current.append(ch)
            }
        }
        pairs.append(current)
        var root: [String: JSONValue] = [:]
        func insert(_ path: ArraySlice<Substring>, _ value: String, into object: inout [String: JSONValue]) {
            let key = String(path.first!)
            if path.count == 1 {
                object[key] = booleans.contains(key) && (value == "on" || value == "off") ? .bool(value == "on") : .string(value)
                return
            }
            var child: [String: JSONValue] = [:]
            if case .object(let existing)? = object[key] { child = existing }
            insert(path.dropFirst(), value, into: &child)
            object[key] = .object(child)
        }
        for pair in pairs where !pair.isEmpty {
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let path = pair[..<eq].split(separator: ".")
            guard !path.isEmpty else { continue }
            insert(path[...], String(pair[pair.index(after: eq)...]), into: &root)
        }
        return root
    }
}

extension ArgumentBuilder {
    /// The -netdev and -device values the interface `index` of this definition gets at start.
    mutating func interfacePieces(_ index: Int) throws -> (netdev: String, device: String) {
        args = []
        try addInterface(index)
        return (args[1], args[3])
    }

    /// The -blockdev values and the -device value the disk `index` of this definition gets, named with block
    /// node number `nodeIndex`: a start's pieces, for plugging the disk into a running guest.
    mutating func diskPieces(_ index: Int, nodeIndex: Int) throws -> (blockdevs: [String], device: String) {
        let disk = def.devices.disks[index]
        let what = "<disk> '\(disk.targetDev)'"
        try refuseUnrunnable(disk, what: what)
        args = []
        var formatNode: String?
        if let storage = try storageNode(disk, what: what) {
            formatNode = "libvirt-\(nodeIndex)-format"
            addBlockdevs(disk, storage: storage, nodeIndex: nodeIndex)
        }
        // The -blockdev values only: an encrypted disk's -object secret is added over the monitor instead.
        let blockdevs = stride(from: 0, to: args.count - 1, by: 2).filter { args[$0] == "-blockdev" }.map { args[$0 + 1] }
        return (blockdevs, try diskFrontend(disk, index: index, formatNode: formatNode, what: what))
    }
}
