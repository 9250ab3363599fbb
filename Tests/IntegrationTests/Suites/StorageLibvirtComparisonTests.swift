import Foundation
import Testing

extension Integration.Storage {
    /// "Key: value" lines in order.
    func fields(_ text: String) -> [(key: String, value: String)] {
        text.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    /// "231.01 GiB" → 231.01; anything else → -1000 (so a comparison fails).
    func gibibytes(_ text: String?) -> Double {
        guard let parts = text?.split(separator: " "), parts.count == 2, let value = Double(parts[0]) else {
            return -1000
        }
        let scale: [Substring: Double] = ["KiB": 1.0 / 1024 / 1024, "MiB": 1.0 / 1024, "GiB": 1, "TiB": 1024]
        return value * (scale[parts[1]] ?? -1000)
    }

    /// Each line of an XML document with element text and attribute values removed: `<capacity unit=>`.
    /// An element written empty (`<source/>`) and one opened and closed on two lines (`<source>`, `</source>`)
    /// have the same shape.
    func xmlShape(_ xml: String) -> [String] {
        var shapes: [String] = []
        for shape in xmlLineShapes(xml) {
            if let last = shapes.last, last.hasPrefix("<"), !last.hasPrefix("</"), !last.hasSuffix("/>"),
                shape == "</" + last.dropFirst()
            {
                shapes[shapes.count - 1] = String(last.dropLast()) + "/>"
            } else {
                shapes.append(shape)
            }
        }
        return shapes
    }

    func xmlLineShapes(_ xml: String) -> [String] {
        xml.split(separator: "\n").map { line in
            var shape = ""
            var inValue = false
            var inTag = false
            for ch in line.trimmingCharacters(in: .whitespaces) {
                if ch == "<" { inTag = true }
                if inValue {
                    if ch == "'" || ch == "\"" { inValue = false }
                    continue
                }
                if inTag && (ch == "'" || ch == "\"") {
                    inValue = true
                    continue
                }
                if inTag || ch == "<" { shape.append(ch) }
                if ch == ">" { inTag = false }
            }
            return shape
        }
    }

    /// A table's header words, and the row starting with `name` split on runs of spaces (sizes such as
    /// "1.00 GiB" are rejoined so each column is one element).
    func table(_ text: String, row name: String) -> (header: [String], row: [String]) {
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines.first?.split(separator: " ").map(String.init) ?? []
        let row = lines.first { $0.split(separator: " ").first.map(String.init) == name } ?? ""
        let cells = row.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return (header, cells)
    }

    static let comparedVolumes = ["a.qcow2", "b.raw", "c.raw", "d.raw", "e.raw"]

    /// One daemon's side of the comparison: the outputs, the error messages and the state of a zero-wiped qcow2.
    func exercise(_ side: Virsh, _ daemon: DaemonHarness, pool: String, target: String) async throws
        -> ([String: String], [String: String], String)
    {
        try await side.must("pool-define-as", pool, "dir", "--target", target)
        try await side.must("pool-build", pool)
        try await side.must("pool-start", pool)
        try await side.must("vol-create-as", pool, "a.qcow2", "1G", "--format", "qcow2")
        try await side.must("vol-create-as", pool, "b.raw", "8M", "--allocation", "8M")
        try await side.must("vol-create-as", pool, "c.raw", "64M", "--allocation", "0")
        try await side.must("vol-create-as", pool, "d.raw", "16M")
        try await side.must("vol-create-as", pool, "e.raw", "16M", "--allocation", "4M")
        var out: [String: String] = [:]
        out["pool-info"] = try await side.must("pool-info", pool)
        for vol in Self.comparedVolumes {
            out["vol-info \(vol)"] = try await side.must("vol-info", "--pool", pool, vol)
        }
        out["compat"] =
            try await side.must("vol-dumpxml", "--pool", pool, "a.qcow2").split(separator: "\n")
            .filter { $0.contains("<compat>") }.joined()
            + (try await sh(daemon, "qemu-img info -U \(target)/a.qcow2 | grep compat"))
        out["vol-info --physical"] = try await side.must("vol-info", "--pool", pool, "--physical", "--bytes", "a.qcow2")
        try await side.must(
            "vol-create-as", pool, "overlay.qcow2", "1G", "--format", "qcow2", "--backing-vol", "a.qcow2",
            "--backing-vol-format", "qcow2")
        out["pool-dumpxml"] = try await side.must("pool-dumpxml", pool)
        out["vol-dumpxml a.qcow2"] = try await side.must("vol-dumpxml", "--pool", pool, "a.qcow2")
        out["vol-dumpxml b.raw"] = try await side.must("vol-dumpxml", "--pool", pool, "b.raw")
        out["vol-dumpxml overlay.qcow2"] = try await side.must("vol-dumpxml", "--pool", pool, "overlay.qcow2")
        try await side.must("vol-delete", "--pool", pool, "overlay.qcow2")
        out["vol-list"] = try await side.must("vol-list", pool, "--details")
        out["pool-list"] = try await side.must("pool-list", "--all", "--details")

        var errors: [String: String] = [:]
        errors["duplicate"] = try await side("vol-create-as", pool, "b.raw", "1M").stderr
        errors["trim"] = try await side("vol-wipe", "--pool", pool, "b.raw", "--algorithm", "trim").stderr
        errors["find-sources"] = try await side("find-storage-pool-sources", "dir").stderr
        errors["dod"] = try await side("vol-wipe", "--pool", pool, "b.raw", "--algorithm", "dod").stderr

        // Zero wipe of a qcow2 volume: libvirt writes zeros over the file's allocation, whatever its format.
        try await side.must("vol-wipe", "--pool", pool, "a.qcow2")
        let file = "\(target)/a.qcow2"
        let wiped = try await sh(
            daemon,
            "qemu-img info -U \(file) | grep 'file format'; stat -c %s \(file);"
                + " cmp -s -n $(stat -c %s \(file)) \(file) /dev/zero && echo zeros || true")

        try await side.must("pool-destroy", pool)
        try await side.must("pool-undefine", pool)
        return (out, errors, wiped)
    }

    /// The same dir pool and volumes on swiftvirtd and on Debian's libvirtd 9.0: `pool-info`, `vol-info`,
    /// `vol-list --details` and `pool-list --all --details` show the same fields and columns, with equal
    /// values wherever they do not depend on the daemon (README "Storage: differences from libvirt").
    @Test func sameOutputsAsRealLibvirtd() async throws {
        try await DaemonHarness.with { daemon in
            try await LibvirtdHarness.with { lvd in
                let ours = Virsh(daemon)
                let theirs = Virsh(uri: lvd.uri, scratch: lvd.scratch)
                // libvirtd keeps pool configs host-wide (/etc/libvirt/storage): a unique name, removed at the end.
                let pool = "cmp-\(UUID().uuidString.prefix(6).lowercased())"
                let sides = [
                    ("swiftvirtd", ours, daemon.root.path + "/cmp"), ("libvirtd", theirs, lvd.root.path + "/cmp"),
                ]
                var outputs: [String: [String: String]] = [:]
                var failures: [String: [String: String]] = [:]
                var wiped: [String: String] = [:]
                for (label, side, target) in sides {
                    do {
                        let (out, errors, wipe) = try await exercise(side, daemon, pool: pool, target: target)
                        (outputs[label], failures[label], wiped[label]) = (out, errors, wipe)
                    } catch {
                        _ = try? await side("pool-destroy", pool)
                        _ = try? await side("pool-undefine", pool)
                        throw error
                    }
                }
                let volumes = Self.comparedVolumes
                let mine = try #require(outputs["swiftvirtd"])
                let real = try #require(outputs["libvirtd"])

                let poolInfo = (fields(mine["pool-info"] ?? ""), fields(real["pool-info"] ?? ""))
                #expect(
                    poolInfo.0.map(\.key) == poolInfo.1.map(\.key),
                    "\(mine["pool-info"] ?? "")\n\(real["pool-info"] ?? "")")
                for key in ["Name", "State", "Persistent", "Autostart", "Capacity"] {
                    #expect(
                        poolInfo.0.first { $0.key == key }?.value == poolInfo.1.first { $0.key == key }?.value,
                        "pool-info \(key)")
                }
                for vol in volumes {
                    let m = fields(mine["vol-info \(vol)"] ?? "")
                    let r = fields(real["vol-info \(vol)"] ?? "")
                    #expect(m.map(\.key) == r.map(\.key), "vol-info \(vol)")
                    for key in ["Name", "Type", "Capacity", "Allocation"] {
                        #expect(
                            m.first { $0.key == key }?.value == r.first { $0.key == key }?.value,
                            "vol-info \(vol) \(key): \(m) vs \(r)")
                    }
                }
                for vol in volumes {
                    let m = table(mine["vol-list"] ?? "", row: vol)
                    let r = table(real["vol-list"] ?? "", row: vol)
                    #expect(m.header == r.header && m.header == ["Name", "Path", "Type", "Capacity", "Allocation"])
                    #expect(m.row.count == 5 && r.row.count == 5, "\(m.row) vs \(r.row)")
                    #expect(m.row.first == r.row.first && m.row.dropFirst(2).first == r.row.dropFirst(2).first)
                    #expect(m.row.dropFirst(3).first == r.row.dropFirst(3).first, "capacity of \(vol)")
                    #expect(m.row.dropFirst().first?.hasSuffix("/cmp/\(vol)") == true, "\(m.row)")
                }
                // libvirt makes qcow2 images with compat 0.10 and shows no <compat> for them.
                #expect(mine["compat"] == real["compat"] && real["compat"] == "compat: 0.10", "\(mine) \(real)")
                // Free space comes from the same filesystem (other processes may write meanwhile).
                let available = (
                    gibibytes(poolInfo.0.first { $0.key == "Available" }?.value),
                    gibibytes(poolInfo.1.first { $0.key == "Available" }?.value)
                )
                #expect(abs(available.0 - available.1) < 2, "Available \(available)")
                // The XML documents have the same elements and attributes in the same order.
                for key in ["pool-dumpxml", "vol-dumpxml a.qcow2", "vol-dumpxml b.raw", "vol-dumpxml overlay.qcow2"] {
                    #expect(
                        xmlShape(mine[key] ?? "") == xmlShape(real[key] ?? ""),
                        "\(key)\n\(mine[key] ?? "")\n\(real[key] ?? "")")
                }
                let m = table(mine["pool-list"] ?? "", row: pool)
                let r = table(real["pool-list"] ?? "", row: pool)
                #expect(m.header == r.header, "\(m.header) vs \(r.header)")
                #expect(Array(m.row.prefix(5)) == Array(r.row.prefix(5)), "\(m.row) vs \(r.row)")

                let myErrors = try #require(failures["swiftvirtd"])
                let realErrors = try #require(failures["libvirtd"])
                #expect(myErrors["duplicate"] == realErrors["duplicate"])
                #expect(realErrors["duplicate"]?.contains("storage volume 'b.raw' exists already") == true)
                #expect(myErrors["trim"] == realErrors["trim"])
                #expect(myErrors["dod"] == realErrors["dod"])
                #expect(myErrors["find-sources"] == realErrors["find-sources"])
                #expect(mine["vol-info --physical"] == real["vol-info --physical"])
                #expect(real["vol-info --physical"]?.contains("Physical:") == true)
                #expect(wiped["swiftvirtd"] == wiped["libvirtd"], "\(wiped)")
                #expect(wiped["libvirtd"]?.contains("zeros") == true, "\(wiped)")
            }
        }
    }

    /// python3-libvirt sees libvirt's error numbers for the storage failures compared above.
    @Test func storageErrorCodesAsLibvirt() async throws {
        try await DaemonHarness.with { daemon in
            let script = """
                import libvirt, sys
                conn = libvirt.open(sys.argv[1])
                pool = conn.storagePoolLookupByName('default')
                vol = pool.createXML("<volume><name>x.raw</name><capacity>1048576</capacity></volume>", 0)
                def code(call):
                    try:
                        call()
                    except libvirt.libvirtError as e:
                        return (e.get_error_code(), e.get_error_domain(), e.get_error_message())
                    return None
                print(code(lambda: pool.createXML("<volume><name>x.raw</name><capacity>1</capacity></volume>", 0)))
                print(code(lambda: vol.wipePattern(libvirt.VIR_STORAGE_VOL_WIPE_ALG_TRIM, 0)))
                print(code(lambda: vol.wipePattern(42, 0)))
                print(code(lambda: vol.wipePattern(libvirt.VIR_STORAGE_VOL_WIPE_ALG_ZERO, 0)))
                """
            let file = daemon.scratch.appendingPathComponent("codes.py")
            try script.write(to: file, atomically: true, encoding: .utf8)
            let result = try await run(TestEnvironment.python, [file.path, daemon.uri], scratch: daemon.scratch)
            #expect(result.succeeded, "\(result)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(
                lines == [
                    "(90, 18, \"storage volume 'x.raw' exists already\")",
                    "(74, 18, \"argument unsupported: 'trim' algorithm not supported\")",
                    "(8, 18, 'invalid argument: wiping algorithm 42 not supported')",
                    "None",
                ], "\(result)")
        }
    }
}
