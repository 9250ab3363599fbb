// SwiftVirtQEMU: filled in by its owner.
