// SwiftVirtDaemon: filled in by its owner.
