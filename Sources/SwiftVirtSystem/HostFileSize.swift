import Glibc

/// What the host says of an image's size: a file's length and the bytes its blocks take, or a block device's
/// length (its allocation is all of it).
public struct HostFileSize: Sendable, Equatable {
    public var size: UInt64
    public var allocated: UInt64
    public var isBlockDevice: Bool

    /// nil when `path` cannot be read; `errno` tells why.
    public init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        isBlockDevice = (st.st_mode & S_IFMT) == S_IFBLK
        if isBlockDevice {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            size = UInt64(max(0, lseek(fd, 0, SEEK_END)))
            allocated = size
        } else {
            size = UInt64(st.st_size)
            allocated = UInt64(st.st_blocks) * 512
        }
    }
}
