import Foundation
import Testing

extension Integration.CLIStorage {
    @Test func maintenanceVerbsOnSwiftvirtd() async throws {
        try await DaemonHarness.with { try await Self.maintenanceVerbs(CLIEndpoint($0)) }
    }

    @Test func maintenanceVerbsOnLibvirtd() async throws {
        try await LibvirtdHarness.with { try await Self.maintenanceVerbs(CLIEndpoint($0)) }
    }

    static func sh(_ script: String, _ at: CLIEndpoint) async throws -> String {
        let result = try await run("/bin/sh", ["-c", script], scratch: at.scratch)
        guard result.succeeded else { throw HarnessError("sh failed: \(result)") }
        return trimmedText(result.stdout)
    }

    /// XML lines that do not change between two reads (sizes of a live pool and file times do).
    static func stableLines(_ xml: String) -> [String] {
        xml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { line in
            !["<capacity", "<allocation", "<available", "<atime", "<mtime", "<ctime", "<btime"].contains {
                line.hasPrefix($0)
            }
        }
    }

    /// pool-build, pool-refresh, pool-dumpxml, vol-dumpxml, vol-clone, vol-create-from, vol-resize and vol-wipe
    /// through `swiftvirt`, with virsh's messages, checked with virsh and on the files themselves.
    static func maintenanceVerbs(_ at: CLIEndpoint) async throws {
        let virsh = at.virsh
        let pool = "clim-\(UUID().uuidString.prefix(6).lowercased())"
        let dir = at.scratch.appendingPathComponent(pool).path
        try await at.mustSwiftvirt("pool-define-as", pool, "dir", "--target", dir)
        #expect(!FileManager.default.fileExists(atPath: dir))
        #expect(try await at.mustSwiftvirt("pool-build", pool) == "Pool \(pool) built\n")
        #expect(FileManager.default.fileExists(atPath: dir), "pool-build on \(at.label)")
        try await at.mustSwiftvirt("pool-start", pool)
        do {
            let xml = try await at.mustSwiftvirt("pool-dumpxml", pool)
            #expect(stableLines(xml) == stableLines(try await virsh.must("pool-dumpxml", pool)), "\(xml)")
            #expect(xml.contains("<path>\(dir)</path>"))
            #expect(try await at.mustSwiftvirt("pool-dumpxml", "--inactive", pool).contains("<name>\(pool)</name>"))

            // A file made by hand appears after pool-refresh, its format read from the header.
            _ = try await sh("qemu-img create -q -f qcow2 \(dir)/byhand.img 2M", at)
            #expect(try await at.mustSwiftvirt("pool-refresh", pool) == "Pool \(pool) refreshed\n")
            let volXML = try await at.mustSwiftvirt("vol-dumpxml", "byhand.img", "--pool", pool)
            #expect(volXML.contains("<format type='qcow2'/>"), "\(volXML)")
            #expect(
                stableLines(volXML) == stableLines(try await virsh.must("vol-dumpxml", "byhand.img", "--pool", pool)))

            try await at.mustSwiftvirt("vol-create-as", pool, "disk.raw", "4M", "--format", "raw")
            _ = try await sh("qemu-io -f raw -c 'write -P 0x5a 0 1M' \(dir)/disk.raw >/dev/null", at)
            #expect(
                try await at.mustSwiftvirt("vol-clone", "disk.raw", "copy.raw", "--pool", pool)
                    == "Vol copy.raw cloned from disk.raw\n")
            #expect(try await sh("cmp \(dir)/disk.raw \(dir)/copy.raw && echo same", at) == "same")

            let target = at.scratch.appendingPathComponent("\(pool)-conv.xml").path
            try """
            <volume><name>conv.qcow2</name><capacity>4194304</capacity><target><format type='qcow2'/></target></volume>
            """.write(toFile: target, atomically: true, encoding: .utf8)
            #expect(
                try await at.mustSwiftvirt("vol-create-from", pool, target, "disk.raw", "--inputpool", pool)
                    == "Vol conv.qcow2 created from input vol disk.raw\n")
            #expect(try await sh("qemu-img info -U \(dir)/conv.qcow2 | grep 'file format'", at) == "file format: qcow2")
            #expect(
                try await sh("qemu-img compare -q -U \(dir)/disk.raw \(dir)/conv.qcow2 && echo same", at) == "same")

            #expect(
                try await at.mustSwiftvirt("vol-resize", "copy.raw", "8M", "--pool", pool)
                    == "Size of volume 'copy.raw' successfully changed to 8M\n")
            #expect(
                labelledFields(try await virsh.must("vol-info", "copy.raw", "--pool", pool))["Capacity"] == "8.00 MiB")
            #expect(
                try await at.mustSwiftvirt("vol-resize", "copy.raw", "1M", "--delta", "--pool", pool)
                    == "Size of volume 'copy.raw' successfully changed by 1M\n")
            #expect(
                labelledFields(try await virsh.must("vol-info", "copy.raw", "--pool", pool))["Capacity"] == "9.00 MiB")
            let shrink = try await at.swiftvirt("vol-resize", "copy.raw", "1M", "--pool", pool)
            #expect(shrink.status == 1 && shrink.stderr.contains("shrink"), "\(shrink)")

            #expect(try await at.mustSwiftvirt("vol-wipe", "copy.raw", "--pool", pool) == "Vol copy.raw wiped\n")
            #expect(try await sh("cmp -n 1048576 \(dir)/copy.raw /dev/zero && echo zeros", at) == "zeros")
            let trim = try await at.swiftvirt("vol-wipe", "copy.raw", "--pool", pool, "--algorithm", "trim")
            #expect(
                trim.status == 1
                    && trim.stderr.hasPrefix("error: argument unsupported: 'trim' algorithm not supported"),
                "\(trim)")
            let bogus = try await at.swiftvirt("vol-wipe", "copy.raw", "--pool", pool, "--algorithm", "bogus")
            #expect(bogus.status == 1 && bogus.stderr.contains("Unsupported algorithm 'bogus'"), "\(bogus)")
        } catch {
            _ = try? await virsh("pool-destroy", pool)
            _ = try? await virsh("pool-undefine", pool)
            throw error
        }
        for vol in ["byhand.img", "disk.raw", "copy.raw", "conv.qcow2"] {
            try await at.mustSwiftvirt("vol-delete", vol, "--pool", pool)
        }
        try await at.mustSwiftvirt("pool-destroy", pool)
        try await at.mustSwiftvirt("pool-undefine", pool)
    }
}
