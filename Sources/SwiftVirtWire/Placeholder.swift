// SwiftVirtWire: filled in by its owner.
