import SwiftVirtCore
import SwiftVirtSystem

/// SCSI controllers, inputs, RNGs, watchdogs, USB redirectors and character devices plugged into a running guest as libvirt's QEMU
/// driver does it: the `-object`, `-chardev` and `-device` values a start would give the device, added over the
/// monitor (object_add, chardev-add, device_add), a watchdog's action set first (set-action). Removal is
/// device_del, as for disks and NICs (QEMUDomain+Hotplug.swift), an RNG's backend object or a redirector's
/// character device deleted once the guest has let go.
extension QEMUDomain {
    public func attachDevice(alias: String, of live: DomainDefinition) async throws {
        try await job.run {
            try requireAlive()
            var builder = ArgumentBuilder(definition: live, context: hotplugContext(live))
            let options = try builder.hotplugOptions(alias)
            guard options.contains(where: { $0.option == "-device" }) else {
                throw VirtError(.internalError, domain: .qemu, detail: "no device \(alias) to attach")
            }
            if let watchdog = live.devices.watchdog, watchdog.alias == alias {
                // QEMU has no 'dump': it pauses, and the driver dumps (QEMUDomain+Watchdog.swift).
                let action = watchdog.action == .dump ? "pause" : (watchdog.action ?? .reset).rawValue
                _ = try await qmp.execute("set-action", arguments: ["watchdog": .string(action)])
            }
            var backends: [String] = []
            // A virtiofs filesystem's daemon comes first: QEMU connects to it when the chardev is added.
            let daemon = try await startVirtiofsd(alias, of: live)
            do {
                for (option, value) in options {
                    switch option {
                    case "-object":
                        try await humanCommand("object_add " + value)
                        backends.append(option)
                    case "-chardev":
                        try await humanCommand("chardev-add " + value)
                        backends.append(option)
                    default:
                        try await humanCommand("device_add " + value)
                    }
                }
            } catch {
                for backend in backends.reversed() {
                    if daemon != nil, backend == "-chardev" {
                        _ = try? await qmp.execute("chardev-remove", arguments: ["id": .string("chr-vu-\(alias)")])
                    } else {
                        await deleteBackend(backend, of: alias)
                    }
                }
                await daemon?.stop()
                throw error
            }
            if let daemon { helpers.append(daemon) }
            liveDevices.controllers = live.devices.controllers
            liveDevices.inputs = live.devices.inputs
            liveDevices.rngs = live.devices.rngs
            liveDevices.watchdog = live.devices.watchdog
            liveDevices.redirdevs = live.devices.redirdevs
            liveDevices.generic = live.devices.generic
            if isCharDevice(alias, of: live.devices) { try await charDeviceAttached(alias, of: live) }
        }
    }

    /// virtiofsd for the virtiofs filesystem `alias` of `live`, started as a start starts it; nil for other devices.
    private func startVirtiofsd(_ alias: String, of live: DomainDefinition) async throws -> QEMUHelperProcess? {
        guard let (share, _) = ArgumentBuilder.virtiofsShares(of: live).first(where: { $0.alias == alias }) else {
            return nil
        }
        let directory = status.domainDirectory
        return try await VirtioFSDaemon.start(
            share, socket: ArgumentBuilder.virtiofsSocket(directory: directory, alias: alias),
            pidFile: "\(directory)/\(alias)-fs.pid",
            log: "\(PathText.directory(of: status.logPath))/\(live.name)-\(alias)-virtiofsd.log")
    }

    /// Whether `alias` is a virtiofs filesystem of this run (its chardev is libvirt's `chr-vu-ALIAS`).
    func isVirtiofs(_ alias: String) -> Bool {
        liveDevices.generic.contains { $0.alias == alias && FilesystemShare($0)?.driver == .virtiofs }
    }

    /// Deletes the backend (`-object` or `-chardev`) QEMU has for the device `alias`, named as a start names it;
    /// a virtiofs filesystem's daemon stops with it.
    func deleteBackend(_ option: String, of alias: String) async {
        if option == "-chardev", isVirtiofs(alias) {
            _ = try? await qmp.execute("chardev-remove", arguments: ["id": .string("chr-vu-\(alias)")])
            let socket = ArgumentBuilder.virtiofsSocket(directory: status.domainDirectory, alias: alias)
            for helper in helpers where helper.socketPath == socket { await helper.stop() }
            helpers.removeAll { $0.socketPath == socket }
        } else if option == "-chardev" {
            _ = try? await qmp.execute("chardev-remove", arguments: ["id": .string("char\(alias)")])
        } else {
            // A shared memory device's backend is named as libvirt names it.
            let id = alias.hasPrefix("shmem") ? "shmmem-\(alias)" : "obj\(alias)"
            _ = try? await qmp.execute("object-del", arguments: ["id": .string(id)])
        }
    }

    /// The kind of backend (`-object`, `-chardev`) QEMU has for the device `alias` of this run, if any.
    func backendOption(of alias: String) -> String? {
        if liveDevices.rngs.contains(where: { $0.alias == alias }) { return "-object" }
        if liveDevices.generic.contains(where: { $0.element == "shmem" && $0.alias == alias }) { return "-object" }
        if isVirtiofs(alias) { return "-chardev" }
        if liveDevices.redirdevs.contains(where: { $0.alias == alias }) { return "-chardev" }
        if isCharDevice(alias, of: liveDevices) { return "-chardev" }
        return nil
    }

    /// The device `alias` left the guest: out of the devices this run knows.
    func forgetDevice(_ alias: String) {
        for disk in liveDevices.disks where disk.alias == alias { runtime.diskSources[disk.targetDev] = nil }
        liveDevices.disks.removeAll { $0.alias == alias }
        liveDevices.interfaces.removeAll { $0.alias == alias }
        liveDevices.controllers.removeAll { $0.alias == alias }
        liveDevices.inputs.removeAll { $0.alias == alias }
        liveDevices.rngs.removeAll { $0.alias == alias }
        liveDevices.redirdevs.removeAll { $0.alias == alias }
        if liveDevices.watchdog?.alias == alias { liveDevices.watchdog = nil }
        liveDevices.generic.removeAll { $0.alias == alias }
        forgetCharDevice(alias)
    }
}

extension ArgumentBuilder {
    /// The `-object`, `-chardev` and `-device` options (in order) a start gives the controller, input, RNG,
    /// watchdog or redirector `alias` of this definition.
    mutating func hotplugOptions(_ alias: String) throws -> [(option: String, value: String)] {
        args = []
        let d = def.devices
        if let shmem = d.generic.first(where: { $0.element == "shmem" && $0.alias == alias }) {
            return try shmemOptions(shmem)
        }
        if d.generic.contains(where: { $0.element == "filesystem" && $0.alias == alias }) { try addFilesystems() }
        if d.controllers.contains(where: { $0.alias == alias }) {
            try addControllers()
        } else if d.inputs.contains(where: { $0.alias == alias }) {
            try addInputs()
        } else if d.rngs.contains(where: { $0.alias == alias }) {
            try addRNGs()
        } else if d.watchdog?.alias == alias {
            try addWatchdog()
        } else if d.redirdevs.contains(where: { $0.alias == alias }) {
            try addRedirdevs()
        } else if (d.serials + d.consoles + d.channels).contains(where: { $0.alias == alias }) {
            try addCharDevices()
        }
        var options: [(option: String, value: String)] = []
        var i = 0
        while i < args.count {
            let option = args[i]
            guard i + 1 < args.count, !args[i + 1].hasPrefix("-") else {
                i += 1
                continue
            }
            let value = args[i + 1]
            i += 2
            let ids = value.split(separator: ",").filter { $0.hasPrefix("id=") }
            let wanted: [String: Set<String>] = [
                "-device": ["id=\(alias)"], "-object": ["id=obj\(alias)"], "-chardev": ["id=char\(alias)", "id=chr-vu-\(alias)"],
            ]
            if let wanted = wanted[option], ids.contains(where: { wanted.contains(String($0)) }) {
                options.append((option, value))
            }
        }
        return options
    }
}
