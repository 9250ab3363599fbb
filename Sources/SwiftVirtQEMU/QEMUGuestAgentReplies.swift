import SwiftVirtCore
import SwiftVirtSystem

/// The guest agent's answers read as libvirt reads them: guest-get-fsinfo, guest-network-get-interfaces,
/// guest-get-users, guest-get-osinfo, guest-get-timezone and guest-get-disks, with libvirt's typed parameter
/// names for virDomainGetGuestInfo. Disks the agent names by address are matched to the domain's disk targets.
enum GuestAgentReplies {
    static func malformed(_ what: String) -> VirtError {
        VirtError(.internalError, domain: .qemu, detail: what)
    }

    /// One disk address of an fsinfo or disks entry.
    struct DiskAddress: Equatable {
        var pci: PCIAddress
        var bus: Int, target: Int, unit: Int
        var serial: String?, device: String?

        init(_ json: JSONValue) throws {
            func number(_ object: JSONValue?, _ key: String) throws -> Int {
                guard let n = object?[key]?.intValue else { throw malformed("'\(key)' missing") }
                return Int(n)
            }
            guard let controller = json["pci-controller"] else { throw malformed("'pci-controller' missing") }
            pci = PCIAddress(
                domain: try number(controller, "domain"), bus: try number(controller, "bus"),
                slot: try number(controller, "slot"), function: try number(controller, "function"))
            bus = try number(json, "bus")
            target = try number(json, "target")
            unit = try number(json, "unit")
            serial = json["serial"]?.stringValue
            device = json["dev"]?.stringValue
        }

        /// The target of the domain's disk at this address: a virtio disk by its PCI address, a disk on a
        /// controller by the controller's PCI address and the disk's drive address.
        func target(in devices: DomainDevices) -> String? {
            if let disk = devices.disks.first(where: { $0.address?.pci?.location == pci.location }) {
                return disk.targetDev
            }
            guard let controller = devices.controllers.first(where: { $0.address?.pci?.location == pci.location })
            else { return nil }
            return devices.disks.first { disk in
                guard let drive = disk.address?.drive else { return false }
                return drive.controller == controller.index && drive.bus == bus && drive.target == target
                    && drive.unit == unit
            }?.targetDev
        }
    }

    struct Filesystem {
        var mountpoint: String, name: String, type: String
        var totalBytes: UInt64?, usedBytes: UInt64?
        var disks: [DiskAddress]
    }

    /// guest-get-fsinfo's entries in mount order (the agent lists the newest mount first).
    static func filesystems(_ reply: JSONValue) throws -> [Filesystem] {
        guard let data = reply["return"] else { throw malformed("guest-get-fsinfo reply was missing return data") }
        guard let list = data.arrayValue else { throw malformed("Malformed guest-get-fsinfo data array") }
        return try list.reversed().map { entry in
            func string(_ key: String) throws -> String {
                guard let s = entry[key]?.stringValue else {
                    throw malformed("'\(key)' missing in reply of guest-get-fsinfo")
                }
                return s
            }
            guard let disks = entry["disk"] else { throw malformed("'disk' missing in reply of guest-get-fsinfo") }
            guard let diskList = disks.arrayValue else {
                throw malformed("Malformed guest-get-fsinfo 'disk' data array")
            }
            return Filesystem(
                mountpoint: try string("mountpoint"), name: try string("name"), type: try string("type"),
                totalBytes: entry["total-bytes"]?.unsignedValue, usedBytes: entry["used-bytes"]?.unsignedValue,
                disks: try diskList.map(DiskAddress.init))
        }
    }

    /// guest-network-get-interfaces, aliases ("eth0:1") folded into their interface.
    static func interfaces(_ reply: JSONValue) throws -> [GuestInterface] {
        guard let list = reply["return"]?.arrayValue else {
            throw malformed("qemu agent didn't return an array of interfaces")
        }
        var out: [GuestInterface] = []
        for entry in list {
            guard let fullName = entry["name"]?.stringValue else {
                throw malformed("qemu agent didn't provide 'name' field")
            }
            let name = String(fullName.prefix { $0 != ":" })
            var index = out.firstIndex { $0.name == name }
            if index == nil {
                out.append(
                    GuestInterface(name: name, hardwareAddress: entry["hardware-address"]?.stringValue, addresses: []))
                index = out.count - 1
            }
            guard let addresses = entry["ip-addresses"] else { continue }
            guard let addressList = addresses.arrayValue else { throw malformed("Malformed ip-addresses array") }
            for address in addressList {
                guard let type = address["ip-address-type"]?.stringValue else {
                    throw malformed("qemu agent didn't provide 'ip-address-type' field for interface '\(fullName)'")
                }
                guard type == "ipv4" || type == "ipv6" else {
                    throw malformed("unknown ip address type '\(type)'")
                }
                guard let ip = address["ip-address"]?.stringValue else {
                    throw malformed("qemu agent didn't provide 'ip-address' field for interface '\(fullName)'")
                }
                guard let prefix = address["prefix"]?.intValue else { throw malformed("malformed 'prefix' field") }
                out[index!].addresses.append(
                    GuestInterface.Address(isIPv6: type == "ipv6", address: ip, prefix: UInt32(clamping: prefix)))
            }
        }
        return out
    }

    static func users(_ reply: JSONValue) throws -> [TypedStat] {
        guard let list = reply["return"]?.arrayValue else {
            throw malformed("guest-get-users reply was missing return data")
        }
        var out = [TypedStat("user.count", .uint(UInt32(list.count)))]
        for (i, entry) in list.enumerated() {
            guard let user = entry["user"]?.stringValue else {
                throw malformed("'user' missing in reply of guest-get-users")
            }
            out.append(TypedStat("user.\(i).name", .string(user)))
            if let domain = entry["domain"]?.stringValue { out.append(TypedStat("user.\(i).domain", .string(domain))) }
            let login: Double
            switch entry["login-time"] {
            case .double(let d): login = d
            case .int(let n): login = Double(n)
            default: throw malformed("'login-time' missing in reply of guest-get-users")
            }
            out.append(TypedStat("user.\(i).login-time", .ullong(UInt64(max(0, login * 1000)))))
        }
        return out
    }

    static func osInfo(_ reply: JSONValue) throws -> [TypedStat] {
        guard let data = reply["return"], data.objectValue != nil else {
            throw malformed("guest-get-osinfo reply was missing return data")
        }
        let keys = [
            "id", "name", "pretty-name", "version", "version-id", "machine", "variant", "variant-id", "kernel-release",
            "kernel-version",
        ]
        return keys.compactMap { key in data[key]?.stringValue.map { TypedStat("os.\(key)", .string($0)) } }
    }

    static func timezone(_ reply: JSONValue) throws -> [TypedStat] {
        guard let data = reply["return"], data.objectValue != nil else {
            throw malformed("guest-get-timezone reply was missing return data")
        }
        var out: [TypedStat] = []
        if let zone = data["zone"]?.stringValue { out.append(TypedStat("timezone.name", .string(zone))) }
        guard let offset = data["offset"]?.intValue else {
            throw malformed("'offset' missing in reply of guest-get-timezone")
        }
        out.append(TypedStat("timezone.offset", .int(Int32(clamping: offset))))
        return out
    }

    static func filesystemParameters(_ filesystems: [Filesystem], devices: DomainDevices) -> [TypedStat] {
        var out = [TypedStat("fs.count", .uint(UInt32(filesystems.count)))]
        for (i, fs) in filesystems.enumerated() {
            out += [
                TypedStat("fs.\(i).name", .string(fs.name)), TypedStat("fs.\(i).mountpoint", .string(fs.mountpoint)),
                TypedStat("fs.\(i).fstype", .string(fs.type)),
            ]
            if let total = fs.totalBytes { out.append(TypedStat("fs.\(i).total-bytes", .ullong(total))) }
            if let used = fs.usedBytes { out.append(TypedStat("fs.\(i).used-bytes", .ullong(used))) }
            out.append(TypedStat("fs.\(i).disk.count", .uint(UInt32(fs.disks.count))))
            for (j, disk) in fs.disks.enumerated() {
                if let target = disk.target(in: devices) {
                    out.append(TypedStat("fs.\(i).disk.\(j).alias", .string(target)))
                }
                if let serial = disk.serial { out.append(TypedStat("fs.\(i).disk.\(j).serial", .string(serial))) }
                if let device = disk.device { out.append(TypedStat("fs.\(i).disk.\(j).device", .string(device))) }
            }
        }
        return out
    }

    static func diskParameters(_ reply: JSONValue, devices: DomainDevices) throws -> [TypedStat] {
        guard let list = reply["return"]?.arrayValue else {
            throw malformed("guest-get-disks reply was missing return data")
        }
        var out = [TypedStat("disk.count", .uint(UInt32(list.count)))]
        for (i, entry) in list.enumerated() {
            guard let name = entry["name"]?.stringValue else {
                throw malformed("'name' missing in reply of guest-get-disks")
            }
            guard let partition = entry["partition"]?.boolValue else {
                throw malformed("'partition' missing in reply of guest-get-disks")
            }
            out += [TypedStat("disk.\(i).name", .string(name)), TypedStat("disk.\(i).partition", .boolean(partition))]
            let dependencies = (entry["dependencies"]?.arrayValue ?? []).compactMap(\.stringValue)
            if !dependencies.isEmpty {
                out.append(TypedStat("disk.\(i).dependency.count", .uint(UInt32(dependencies.count))))
                for (j, dependency) in dependencies.enumerated() {
                    out.append(TypedStat("disk.\(i).dependency.\(j).name", .string(dependency)))
                }
            }
            if let json = entry["address"] {
                let address = try DiskAddress(json)
                if let serial = address.serial { out.append(TypedStat("disk.\(i).serial", .string(serial))) }
                if let target = address.target(in: devices) {
                    out.append(TypedStat("disk.\(i).alias", .string(target)))
                }
            }
            if let alias = entry["alias"]?.stringValue {
                out.append(TypedStat("disk.\(i).guest_alias", .string(alias)))
            }
        }
        return out
    }

    static func interfaceParameters(_ interfaces: [GuestInterface]) -> [TypedStat] {
        var out = [TypedStat("if.count", .uint(UInt32(interfaces.count)))]
        for (i, nic) in interfaces.enumerated() {
            out.append(TypedStat("if.\(i).name", .string(nic.name)))
            if let mac = nic.hardwareAddress { out.append(TypedStat("if.\(i).hwaddr", .string(mac))) }
            out.append(TypedStat("if.\(i).addr.count", .uint(UInt32(nic.addresses.count))))
            for (j, a) in nic.addresses.enumerated() {
                out += [
                    TypedStat("if.\(i).addr.\(j).type", .string(a.isIPv6 ? "ipv6" : "ipv4")),
                    TypedStat("if.\(i).addr.\(j).addr", .string(a.address)),
                    TypedStat("if.\(i).addr.\(j).prefix", .uint(a.prefix)),
                ]
            }
        }
        return out
    }
}
