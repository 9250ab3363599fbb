import Foundation
import SwiftVirtClient
import Testing

extension Integration {
    /// `swiftvirt vol-download` keeps a mostly empty volume mostly empty: its zero runs become holes.
    @Suite struct CLISparseDownload {
        @Test func downloadIsSparseOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.downloadIsSparse(CLIEndpoint($0)) }
        }

        @Test func downloadIsSparseOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.downloadIsSparse(CLIEndpoint($0)) }
        }

        static func downloadIsSparse(_ at: CLIEndpoint) async throws {
            let pool = "sparse-\(UUID().uuidString.prefix(6).lowercased())"
            let dir = at.scratch.appendingPathComponent(pool).path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try await at.mustSwiftvirt("pool-define-as", pool, "dir", "--target", dir)
            try await at.mustSwiftvirt("pool-start", pool)
            // Allocation 0: a sparse file on both daemons (libvirtd would otherwise allocate it all), so that the
            // daemon finds holes to skip in a sparse stream.
            try await at.mustSwiftvirt(
                "vol-create-as", pool, "holes.raw", "64M", "--allocation", "0", "--format", "raw")
            // 1 MiB of data 10 MiB in, and the last 4 KiB: everything else stays zero.
            for (seekBlocks, blocks) in [(2560, 256), (16383, 1)] {
                let dd = try await run(
                    "/bin/dd",
                    [
                        "if=/dev/urandom", "of=\(dir)/holes.raw", "bs=4096", "seek=\(seekBlocks)", "count=\(blocks)",
                        "conv=notrunc",
                    ], scratch: at.scratch)
                #expect(dd.succeeded, "\(dd)")
            }
            let out = at.scratch.appendingPathComponent("\(pool)-download.raw").path
            let download = try await at.swiftvirt("vol-download", "holes.raw", out, "--pool", pool)
            #expect(download.succeeded, "\(download)")
            #expect(try await CLIStorage.sha256(out, at) == CLIStorage.sha256(dir + "/holes.raw", at))
            let attributes = try FileManager.default.attributesOfItem(atPath: out)
            #expect(attributes[.size] as? Int == 64 * 1024 * 1024, "apparent size")
            let du = try await run("/usr/bin/du", ["-k", out], scratch: at.scratch)
            let usedKiB = Int(du.stdout.split(separator: "\t").first ?? "") ?? Int.max
            #expect(usedKiB < 4 * 1024, "du says \(usedKiB) KiB for a 64 MiB volume with 1 MiB of data on \(at.label)")

            // The library sees the holes of a sparse stream: 1 MiB + 4 KiB of data, the rest skipped.
            let conn = try await VirtConnection.connect(to: LibvirtURI(at.uri))
            let vol = try await conn.lookupVolume("holes.raw", pool: pool)
            var (dataBytes, holeBytes): (UInt64, UInt64) = (0, 0)
            for try await chunk in try await conn.openDownload(vol, sparse: true).chunks {
                switch chunk {
                case .data(let bytes): dataBytes += UInt64(bytes.count)
                case .hole(let length): holeBytes += length
                }
            }
            await conn.close()
            #expect(dataBytes + holeBytes == 64 * 1024 * 1024, "on \(at.label)")
            #expect(holeBytes >= 60 * 1024 * 1024 && dataBytes >= 1024 * 1024 + 4096, "\(dataBytes) + \(holeBytes)")

            // --sparse: the daemon sends holes instead of zeros (virsh's option); same file, still sparse.
            let viaHoles = at.scratch.appendingPathComponent("\(pool)-sparse.raw").path
            let sparse = try await at.swiftvirt("vol-download", "holes.raw", viaHoles, "--pool", pool, "--sparse")
            #expect(sparse.succeeded, "\(sparse)")
            #expect(try await CLIStorage.sha256(viaHoles, at) == CLIStorage.sha256(out, at))
            let sparseDu = try await run("/usr/bin/du", ["-k", viaHoles], scratch: at.scratch)
            #expect((Int(sparseDu.stdout.split(separator: "\t").first ?? "") ?? Int.max) < 4 * 1024, "\(sparseDu)")
            let virshCopy = at.scratch.appendingPathComponent("\(pool)-virsh.raw").path
            try await at.virsh.must("vol-download", "holes.raw", virshCopy, "--pool", pool, "--sparse")
            #expect(try await CLIStorage.sha256(virshCopy, at) == CLIStorage.sha256(out, at))

            // Into a pipe nothing can be skipped: every byte still arrives (holes of --sparse as zeros too).
            let pipedSparse = try await run(
                "/bin/sh",
                [
                    "-c", "\"$0\" -c \"$1\" vol-download holes.raw /dev/stdout --pool \"$2\" --sparse | sha256sum",
                    try TestEnvironment.cliBinary(), at.uri, pool,
                ], scratch: at.scratch)
            #expect(pipedSparse.stdout.hasPrefix(try await CLIStorage.sha256(out, at)), "\(pipedSparse)")
            let piped = try await run(
                "/bin/sh",
                [
                    "-c", "\"$0\" -c \"$1\" vol-download holes.raw /dev/stdout --pool \"$2\" | sha256sum",
                    try TestEnvironment.cliBinary(), at.uri, pool,
                ], scratch: at.scratch)
            #expect(piped.stdout.hasPrefix(try await CLIStorage.sha256(out, at)), "\(piped)")

            try await at.mustSwiftvirt("vol-delete", "holes.raw", "--pool", pool)
            try await at.mustSwiftvirt("pool-destroy", pool)
            try await at.mustSwiftvirt("pool-undefine", pool)
        }
    }
}
