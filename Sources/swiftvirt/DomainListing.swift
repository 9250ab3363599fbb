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
            let padded = zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
            return String((" " + padded.joined(separator: "   ")).reversed().drop { $0 == " " }.reversed())
        }
        // virsh's rule spans every column plus three spaces per column (its cells' padding, untrimmed).
        let ruleWidth = widths.reduce(0, +) + 3 * widths.count
        return ([line(header), String(repeating: "-", count: ruleWidth)] + rows.map(line)).joined(separator: "\n")
    }

    /// major·1e6 + minor·1e3 + micro → "major.minor.micro".
    static func versionText(_ v: UInt64) -> String {
        "\(v / 1_000_000).\(v / 1000 % 1000).\(v % 1000)"
    }

    /// virsh's words for the state reason (`domstate --reason`).
    static func reasonName(state: Int32, reason: Int32) -> String {
        let names: [String]
        switch state {
        case 1:
            names = [
                "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused", "migration canceled",
                "save canceled", "event wakeup", "crashed", "post-copy",
            ]
        case 3:
            names = [
                "unknown", "user", "migrating", "saving", "dumping", "I/O error", "watchdog", "from snapshot",
                "shutting down", "creating snapshot", "starting up", "post-copy", "post-copy failed",
            ]
        case 4: names = ["unknown", "user"]
        case 5:
            names = [
                "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved", "failed", "from snapshot", "daemon",
            ]
        case 6: names = ["unknown", "panicked"]
        default: names = ["unknown"]
        }
        return names.indices.contains(Int(reason)) ? names[Int(reason)] : "unknown"
    }

    /// The `list --json` element for one domain.
    static func json(_ dom: RemoteNonnullDomain, state: Int32) -> JSONValue {
        .object([
            ("id", dom.id < 0 ? .null : .int(dom.id)), ("name", .string(dom.name)),
            ("uuid", .string(DomainUUID.format(dom.uuid))), ("state", .string(stateName(state))),
            ("stateCode", .int(state)),
        ])
    }

    /// The `dominfo` block (or its JSON). Optional facts (persistence, autostart, managed save, security) are
    /// left out or shown as unknown when the daemon does not support them, as virsh does.
    static func info(of dom: RemoteNonnullDomain, conn: VirtConnection, json: Bool) async throws -> String {
        let osType = try await conn.osType(dom)
        let info = try await conn.info(dom)
        let persistent = try? await conn.isPersistent(dom)
        let autostart = try? await conn.autostart(dom)
        if json {
            return JSONValue.object([
                ("id", dom.id < 0 ? .null : .int(dom.id)), ("name", .string(dom.name)),
                ("uuid", .string(DomainUUID.format(dom.uuid))), ("osType", .string(osType)),
                ("state", .string(stateName(Int32(info.state)))), ("stateCode", .int(info.state)),
                ("vcpus", .int(info.nrVirtCpu)), ("cpuTimeNs", .int(Int64(clamping: info.cpuTime))),
                ("maxMemoryKiB", .int(Int64(clamping: info.maxMem))),
                ("usedMemoryKiB", .int(Int64(clamping: info.memory))),
                ("persistent", persistent.map { .bool($0) } ?? .null),
                ("autostart", autostart.map { .bool($0) } ?? .null),
            ]).rendered()
        }
        var lines: [(String, String)] = [
            ("Id", dom.id < 0 ? "-" : String(dom.id)), ("Name", dom.name), ("UUID", DomainUUID.format(dom.uuid)),
            ("OS Type", osType), ("State", stateName(Int32(info.state))), ("CPU(s)", String(info.nrVirtCpu)),
        ]
        if info.cpuTime > 0 {
            let tenths = info.cpuTime / 100_000_000
            lines.append(("CPU time", "\(tenths / 10).\(tenths % 10)s"))
        }
        lines.append(("Max memory", "\(info.maxMem) KiB"))
        lines.append(("Used memory", "\(info.memory) KiB"))
        lines.append(("Persistent", persistent.map { $0 ? "yes" : "no" } ?? "unknown"))
        if let autostart { lines.append(("Autostart", autostart ? "enable" : "disable")) }
        let managed = try? await conn.call(Remote.DomainHasManagedSaveImage.self, DomainHasManagedSaveImageArgs(dom: dom, flags: 0))
        lines.append(("Managed save", managed.map { $0.result != 0 ? "yes" : "no" } ?? "unknown"))
        // Like virsh: no security driver (empty model) means no security lines.
        if let model = try? await conn.call(Remote.NodeGetSecurityModel.self),
            !XDRChars.string(model.model).isEmpty
        {
            lines.append(("Security model", XDRChars.string(model.model)))
            lines.append(("Security DOI", XDRChars.string(model.doi)))
        }
        // virsh ends its info blocks with an empty line.
        return labelled(lines, width: 16) + "\n"
    }

    /// "Label:" padded to `width`, then the value, one per line (virsh's info blocks).
    static func labelled(_ lines: [(String, String)], width: Int) -> String {
        lines.map { label, value in (label + ":").padding(to: width) + value }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
