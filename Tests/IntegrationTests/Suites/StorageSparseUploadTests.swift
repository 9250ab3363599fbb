import Foundation
import Testing

extension Integration.Storage {
    /// A sparse upload over a volume full of old data: the volume then equals the file byte for byte, and the
    /// holes are deallocated rather than written (libvirt 9.0 leaves the old bytes under them: README).
    @Test func sparseUploadOverDataPunchesHoles() async throws {
        try await DaemonHarness.with { daemon in
            let virsh = Virsh(daemon)
            let dir = daemon.scratch.path
            let stored = daemon.stateDir + "/images/full.raw"
            try await virsh.must("vol-create-as", "default", "full.raw", "64M", "--allocation", "64M")
            _ = try await sh(
                daemon,
                """
                dd if=/dev/urandom of=\(stored) bs=1M count=64 conv=notrunc status=none
                truncate -s 64M \(dir)/src.img
                dd if=/dev/urandom of=\(dir)/src.img bs=1M count=1 seek=10 conv=notrunc status=none
                """)
            #expect(Int(try await sh(daemon, "du -k \(stored) | cut -f1")) ?? 0 >= 64 * 1024)
            try await virsh.must("vol-upload", "--pool", "default", "full.raw", "\(dir)/src.img", "--sparse")
            #expect(try await sh(daemon, "md5sum < \(stored)") == (try await sh(daemon, "md5sum < \(dir)/src.img")))
            let allocatedKiB = Int(try await sh(daemon, "du -k \(stored) | cut -f1")) ?? .max
            #expect(allocatedKiB < 8 * 1024, "holes were written, not punched: \(allocatedKiB) KiB allocated")
        }
    }
}
