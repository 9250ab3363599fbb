import Glibc
import Testing

@testable import SwiftVirtSystem

/// The daemon's read(2) keeps the descriptors a peer attaches to bytes on a registered socket, as libvirt's
/// client sends them after a CALL_WITH_FDS; a plain read would let the kernel close them.
@Suite struct DescriptorInboxTests {
    /// Reads from `fd` until `count` bytes came.
    static func readBytes(_ fd: CInt, _ count: Int) -> [UInt8] {
        var got: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: count)
        while got.count < count {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, count - got.count) }
            if n <= 0 { break }
            got += chunk.prefix(n)
        }
        return got
    }

    /// The inode behind a descriptor, to tell which file a received descriptor opens.
    static func inode(_ fd: CInt) -> UInt64 {
        var info = stat()
        return fstat(fd, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    @Test func keepsDescriptorsInArrivalOrderForARegisteredSocket() throws {
        let (daemonEnd, clientEnd) = try DescriptorPassing.socketPair()
        defer { close(daemonEnd); close(clientEnd) }
        let inbox = try DescriptorInbox(socket: daemonEnd, owner: 7)
        defer { inbox.close() }
        let (first, firstPeer) = try DescriptorPassing.socketPair()
        let (second, secondPeer) = try DescriptorPassing.socketPair()
        defer { for fd in [first, firstPeer, second, secondPeer] { close(fd) } }

        try DescriptorPassing.writeAll([1, 2, 3], on: clientEnd)
        try DescriptorPassing.send([0], attaching: first, on: clientEnd)
        try DescriptorPassing.send([0], attaching: second, on: clientEnd)
        #expect(Self.readBytes(daemonEnd, 5) == [1, 2, 3, 0, 0])

        let taken = inbox.take(3)
        defer { for fd in taken { close(fd) } }
        #expect(taken.count == 2)
        #expect(taken.map(Self.inode) == [first, second].map(Self.inode))
        #expect(taken.allSatisfy { fcntl($0, F_GETFD) & FD_CLOEXEC != 0 })
        #expect(inbox.take(1).isEmpty)
    }

    @Test func anUnregisteredSocketReadsPlainlyAndAStaleOwnerCannotTake() throws {
        let (daemonEnd, clientEnd) = try DescriptorPassing.socketPair()
        defer { close(daemonEnd); close(clientEnd) }
        let (carried, carriedPeer) = try DescriptorPassing.socketPair()
        defer { close(carried); close(carriedPeer) }

        try DescriptorPassing.send([9], attaching: carried, on: clientEnd)
        #expect(Self.readBytes(daemonEnd, 1) == [9])

        let inbox = try DescriptorInbox(socket: daemonEnd, owner: 8)
        try DescriptorPassing.send([9], attaching: carried, on: clientEnd)
        #expect(Self.readBytes(daemonEnd, 1) == [9])
        // A later connection with the same descriptor number owns it now: the old owner's calls do nothing.
        let later = try DescriptorInbox(socket: daemonEnd, owner: 9)
        defer { later.close() }
        #expect(inbox.take(1).isEmpty)
        inbox.close()
        try DescriptorPassing.send([9], attaching: carried, on: clientEnd)
        #expect(Self.readBytes(daemonEnd, 1) == [9])
        let taken = later.take(1)
        defer { for fd in taken { close(fd) } }
        #expect(taken.count == 1 && taken.map(Self.inode) == [Self.inode(carried)])
    }
}
