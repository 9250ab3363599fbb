/// A running guest's disk as libvirt 9.0's live XML shows it: the number of the block node its source was
/// opened as (`<source index='N'>`, libvirt's "libvirt-N-format") and the backing chain under it, each image
/// with the number the driver gave it (`<backingStore type='file' index='N'>`).
public struct DiskLiveSource: Sendable, Equatable {
    public struct BackingImage: Sendable, Equatable {
        public var index: Int
        public var path: String
        /// libvirt's format name (raw, qcow2, ...).
        public var format: String
        public var isBlockDevice: Bool
        public init(index: Int, path: String, format: String, isBlockDevice: Bool) {
            self.index = index
            self.path = path
            self.format = format
            self.isBlockDevice = isBlockDevice
        }
    }
    public var index: Int
    public var backing: [BackingImage]
    public init(index: Int, backing: [BackingImage] = []) {
        self.index = index
        self.backing = backing
    }
}
