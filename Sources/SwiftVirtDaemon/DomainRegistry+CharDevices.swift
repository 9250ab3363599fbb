import SwiftVirtCore

/// Live attach and detach of serial ports, consoles and channels (`<serial>`, `<console>`, `<channel>`), with
/// the checks of libvirt 9.0's qemuDomainAttachChrDevice and qemuDomainDetachDeviceChr: a console of target
/// type serial cannot be attached, a device equal to one the guest has (virDomainChrEquals: same source, same
/// target name for a channel, same target type and port for a serial port or console) is refused on attach and
/// is what a detach removes.
extension DomainRegistry {
    func attachCharDevice(
        _ uuid: DomainUUID, _ device: DeviceEdit.Device, current: DomainDefinition, hotplug: any DeviceHotplug
    ) async throws {
        let g = device.element
        // A console the serial port of the guest stands for has no device of its own to add.
        if g.name == "console", (Self.targetType(g) ?? "serial") == "serial" {
            throw VirtError(.configUnsupported, detail: "unsupported console target type serial")
        }
        if try Self.matchingCharDevice(g, in: current, runtime: await hotplug.runtime, attaching: true) != nil {
            throw VirtError(.operationInvalid, detail: "chardev already exists")
        }
        let changed = try await changedLive(current, device, .attach)
        let known = Set(Self.charDevices(current.devices).compactMap(\.alias))
        guard let added = Self.charDevices(changed.devices).compactMap(\.alias).first(where: { !known.contains($0) })
        else { throw VirtError(.internalError, detail: "the attached \(g.name) was not found in the live definition") }
        var next = current
        next.devices.serials = changed.devices.serials
        next.devices.consoles = changed.devices.consoles
        next.devices.channels = changed.devices.channels
        let alias = device.alias ?? Self.nextCharDeviceAlias(g.name, in: current.devices)
        for i in next.devices.serials.indices where next.devices.serials[i].alias == added {
            next.devices.serials[i].alias = alias
        }
        for i in next.devices.consoles.indices where next.devices.consoles[i].alias == added {
            next.devices.consoles[i].alias = alias
        }
        for i in next.devices.channels.indices where next.devices.channels[i].alias == added {
            next.devices.channels[i].alias = alias
        }
        try await hotplug.attachDevice(alias: alias, of: next)
        await replaceLive(uuid, with: next)
        publishDeviceAdded(uuid, alias: alias)
    }

    /// The alias of the live character device `device` names, for a detach.
    static func charDeviceToDetach(_ device: DeviceEdit.Device, in current: DomainDefinition, runtime: DomainRuntimeInfo)
        throws -> String
    {
        guard let alias = try matchingCharDevice(device.element, in: current, runtime: runtime, attaching: false) else {
            throw VirtError(
                .deviceMissing, detail: "chr type '\(device.element.name)' device not present in domain configuration")
        }
        return alias
    }

    /// The alias of the live character device of the same kind equal to `g` (virDomainChrEquals), compared with
    /// the live XML (where a pty shows its path and a unix channel that named no path the one it got). Attaching,
    /// a unix channel that names no path gets the one its name gives, as the existing one with that name did.
    private static func matchingCharDevice(
        _ g: XMLElement, in current: DomainDefinition, runtime: DomainRuntimeInfo, attaching: Bool
    ) throws -> String? {
        let elements = try DeviceEdit.devices(in: DomainXML.format(current, runtime: runtime)).map(\.element)
        let unnamedSockets = Set(
            current.devices.channels.filter { $0.type == .unix && $0.source?.path == nil }.compactMap(\.alias))
        for e in elements where e.name == g.name {
            let alias = e.childElements.first { $0.name == "alias" }?[attribute: "name"] ?? ""
            let autoPath = attaching && source(g)?[attribute: "path"] == nil && unnamedSockets.contains(alias)
            guard sameSource(g, e, ignoringPath: autoPath) else { continue }
            switch g.name {
            case "channel":
                if targetType(g) == targetType(e), target(g)?[attribute: "name"] == target(e)?[attribute: "name"] {
                    return alias
                }
            case "serial" where targetType(g) != nil && targetType(g) != targetType(e):
                continue
            default:
                if (target(g)?[attribute: "port"] ?? "0") == (target(e)?[attribute: "port"] ?? "0") { return alias }
            }
        }
        return nil
    }

    private static func sameSource(_ a: XMLElement, _ b: XMLElement, ignoringPath: Bool) -> Bool {
        let type = a[attribute: "type"] ?? "pty"
        guard type == (b[attribute: "type"] ?? "pty") else { return false }
        let (x, y) = (source(a), source(b))
        func same(_ name: String, _ fallback: String? = nil) -> Bool {
            (x?[attribute: name] ?? fallback) == (y?[attribute: name] ?? fallback)
        }
        switch type {
        case "file": return same("path") && same("append")
        case "pty", "dev", "pipe": return same("path")
        case "unix": return same("mode", "bind") && (ignoringPath || same("path"))
        case "tcp": return same("mode", "connect") && same("host") && same("service")
        case "udp": return same("host") && same("service")
        case "spiceport": return same("channel")
        default: return true
        }
    }

    /// libvirt's alias for a new serial port, console or channel: one past the highest number of its kind's
    /// aliases (a console counting the serial port the first console stands for).
    static func nextCharDeviceAlias(_ kind: String, in d: DomainDevices) -> String {
        let present = kind == "serial" ? d.serials : kind == "console" ? d.consoles : d.channels
        let prefixes = kind == "console" ? ["console", "serial"] : [kind]
        let numbers = present.compactMap(\.alias).compactMap { alias in
            prefixes.lazy.compactMap { alias.hasPrefix($0) ? Int(alias.dropFirst($0.count)) : nil }.first
        }
        return kind + String((numbers.max() ?? -1) + 1)
    }

    private static func source(_ e: XMLElement) -> XMLElement? { e.childElements.first { $0.name == "source" } }
    private static func target(_ e: XMLElement) -> XMLElement? { e.childElements.first { $0.name == "target" } }
    private static func targetType(_ e: XMLElement) -> String? { target(e)?[attribute: "type"] }

    static func charDevices(_ d: DomainDevices) -> [CharDevice] { d.serials + d.consoles + d.channels }
}
