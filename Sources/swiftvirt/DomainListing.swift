import SwiftVirtClient
import SwiftVirtWire

/// Text the CLI prints, shaped like virsh's output.
enum DomainListing {
    /// virsh's words for virDomainState.
    static func stateName(_ state: Int32) -> String {
        switch state {
        case 1: return "running"
        case 2: return "idle"
        case 3: return "paused"
        case 4: return "in shutdown"
        case 5: return "shut off"
        case 6: return "crashed"
        case 7: return "pmsuspended"
        default: return "no state"
        }
    }

    /// Running domains by id, then inactive ones by name, as virsh lists them.
    static func sorted(_ domains: [RemoteNonnullDomain]) -> [RemoteNonnullDomain] {
        domains.sorted { a, b in
            switch (a.id >= 0, b.id >= 0) {
            case (true, true): return a.id < b.id
            case (true, false): return true
            case (false, true): return false
            case (false, false): return a.name < b.name
            }
        }
    }

    /// Left-aligned columns three spaces apart, a dashed rule under the header.
    static func table(header: [String], rows: [[String]]) -> String {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            " " + zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "   ")
        }
        let head = line(header)
        return ([head, String(repeating: "-", count: head.count)] + rows.map(line)).joined(separator: "\n")
    }

    /// major·1e6 + minor·1e3 + micro → "major.minor.micro".
    static func versionText(_ v: UInt64) -> String {
        "\(v / 1_000_000).\(v / 1000 % 1000).\(v % 1000)"
    }

    /// The `dominfo` block. Optional facts (persistence, autostart, managed save, security) are left out
    /// or shown as unknown when the server does not support them, as virsh does.
    static func info(of dom: RemoteNonnullDomain, client: RemoteClient) throws -> String {
        let osType = try client.call(
            .domainGetOsType, DomainGetOsTypeArgs(dom: dom), returning: DomainGetOsTypeRet.self)
        let info = try client.call(.domainGetInfo, DomainGetInfoArgs(dom: dom), returning: DomainGetInfoRet.self)
        var lines: [(String, String)] = [
            ("Id", dom.id < 0 ? "-" : String(dom.id)), ("Name", dom.name), ("UUID", DomainUUID.format(dom.uuid)),
            ("OS Type", osType.type), ("State", stateName(Int32(info.state))), ("CPU(s)", String(info.nrVirtCpu)),
        ]
        if info.cpuTime > 0 {
            let tenths = info.cpuTime / 100_000_000
            lines.append(("CPU time", "\(tenths / 10).\(tenths % 10)s"))
        }
        lines.append(("Max memory", "\(info.maxMem) KiB"))
        lines.append(("Used memory", "\(info.memory) KiB"))
        let persistent = try? client.call(
            .domainIsPersistent, DomainIsPersistentArgs(dom: dom), returning: DomainIsPersistentRet.self)
        lines.append(("Persistent", persistent.map { $0.persistent != 0 ? "yes" : "no" } ?? "unknown"))
        if let autostart = try? client.call(
            .domainGetAutostart, DomainGetAutostartArgs(dom: dom), returning: DomainGetAutostartRet.self)
        {
            lines.append(("Autostart", autostart.autostart != 0 ? "enable" : "disable"))
        }
        let managed = try? client.call(
            .domainHasManagedSaveImage, DomainHasManagedSaveImageArgs(dom: dom, flags: 0),
            returning: DomainHasManagedSaveImageRet.self)
        lines.append(("Managed save", managed.map { $0.result != 0 ? "yes" : "no" } ?? "unknown"))
        // Like virsh: no security driver (empty model) means no security lines.
        if let model = try? client.call(.nodeGetSecurityModel, returning: NodeGetSecurityModelRet.self),
            !XDRChars.string(model.model).isEmpty
        {
            lines.append(("Security model", XDRChars.string(model.model)))
            lines.append(("Security DOI", XDRChars.string(model.doi)))
        }
        return lines.map { label, value in
            (label + ":").padding(to: 16) + value
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
