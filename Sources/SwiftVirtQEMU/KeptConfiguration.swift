import SwiftVirtCore

/// What a definition kept without the model representing it (see `XMLKeeper`): defined and written back, but a
/// guest that would have to honour it does not start. The message names the first such element or attribute.
enum KeptConfiguration {
    /// The first kept element or attribute, else the first device of a family the model keeps whole that the
    /// command line does not run.
    static func firstUnsupported(_ definition: DomainDefinition) -> String? {
        if let kept = firstUnsupported(definition.kept) { return kept }
        if let device = definition.devices.generic.first(where: { !ArgumentBuilder.runs($0) }) {
            let kind = ["type", "model"].first { device.attribute($0) != nil }
            let detail = kind.map { " \($0)='\(device.attribute($0) ?? "")'" } ?? ""
            return "<devices/\(device.element)\(detail)>"
        }
        if !definition.devices.parallels.isEmpty { return "<devices/parallel>" }
        return nil
    }

    static func firstUnsupported(_ kept: [String: XMLExtras]) -> String? {
        for path in kept.keys.sorted() {
            guard let extras = kept[path] else { continue }
            if let attribute = extras.attributes.first {
                return "attribute '\(attribute.name)' of <\(readable(path))>"
            }
            if let element = extras.elements.first {
                return "<\(readable(path))/\(element.element.name)>"
            }
        }
        return nil
    }

    /// `domain/devices/disk[vda]/driver` → `devices/disk[vda]/driver`, the path libvirt users read.
    private static func readable(_ keyedPath: String) -> String {
        keyedPath.hasPrefix("domain/") ? String(keyedPath.dropFirst("domain/".count)) : keyedPath
    }
}
