import FoundationEssentials
import SwiftVirtCore
import SwiftVirtSystem

/// libvirt's x86 CPU map (the data files libvirt0 installs in /usr/share/libvirt/cpu_map): each feature's CPUID
/// bits, in the map's order, and each named model's features. Read once, for the live `<cpu>` of a running guest
/// (`liveCPU`); nil when the files are not there.
struct X86CPUMap: Sendable {
    /// A CPUID output register: leaf (eax_in), subleaf (ecx_in) and register name; or an MSR's half.
    struct Word: Hashable, Sendable {
        var leaf: UInt32
        var subleaf: UInt32
        var register: String
    }
    typealias Data = [Word: UInt32]

    struct Feature: Sendable {
        var name: String
        var bits: Data
    }

    struct Model: Sendable {
        var features: [String]
        var removed: [String]
    }

    var features: [Feature] = []
    var featureByName: [String: Int] = [:]
    var models: [String: Model] = [:]

    static let directory = "/usr/share/libvirt/cpu_map"
    static let shared: X86CPUMap? = load(directory)

    static func load(_ directory: String) -> X86CPUMap? {
        func document(_ file: String) -> XMLElement? {
            guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else { return nil }
            return try? XMLParser.parse(text)
        }
        guard let index = document("index.xml"), let arch = index.childElements.first(where: { $0[attribute: "name"] == "x86" }),
            let featureDoc = document("x86_features.xml")
        else { return nil }
        var map = X86CPUMap()
        for f in featureDoc.childElements where f.name == "feature" {
            guard let name = f[attribute: "name"] else { continue }
            var bits: Data = [:]
            for c in f.childElements {
                if c.name == "cpuid" {
                    let leaf = hex(c[attribute: "eax_in"]) ?? 0
                    let subleaf = hex(c[attribute: "ecx_in"]) ?? 0
                    for r in ["eax", "ebx", "ecx", "edx"] {
                        if let v = hex(c[attribute: r]), v != 0 { bits[Word(leaf: leaf, subleaf: subleaf, register: r), default: 0] |= v }
                    }
                } else if c.name == "msr", let index = hex(c[attribute: "index"]) {
                    for r in ["eax", "edx"] {
                        if let v = hex(c[attribute: r]), v != 0 { bits[Word(leaf: index, subleaf: 0, register: "msr-" + r), default: 0] |= v }
                    }
                }
            }
            map.featureByName[name] = map.features.count
            map.features.append(Feature(name: name, bits: bits))
        }
        for include in arch.childElements where include.name == "include" {
            guard let file = include[attribute: "filename"], file != "x86_features.xml", let doc = document(file) else {
                continue
            }
            for m in doc.childElements where m.name == "model" {
                guard let name = m[attribute: "name"] else { continue }
                var model = Model(features: [], removed: [])
                if let parent = m.childElements.first(where: { $0.name == "model" })?[attribute: "name"],
                    let inherited = map.models[parent]
                {
                    model.features = inherited.features
                }
                for f in m.childElements where f.name == "feature" {
                    guard let fname = f[attribute: "name"] else { continue }
                    if f[attribute: "removed"] == "yes" { model.removed.append(fname) } else { model.features.append(fname) }
                }
                map.models[name] = model
            }
        }
        return map
    }

    private static func hex(_ text: String?) -> UInt32? {
        guard let text else { return nil }
        return text.hasPrefix("0x") ? UInt32(text.dropFirst(2), radix: 16) : UInt32(text)
    }

    static func isSubset(_ data: Data, _ bits: Data) -> Bool {
        !bits.isEmpty && bits.allSatisfy { word, mask in (data[word] ?? 0) & mask == mask }
    }

    func add(_ name: String, to data: inout Data) {
        guard let i = featureByName[name] else { return }
        for (word, mask) in features[i].bits { data[word, default: 0] |= mask }
    }

    func subtract(_ name: String, from data: inout Data) {
        guard let i = featureByName[name] else { return }
        for (word, mask) in features[i].bits { data[word, default: 0] &= ~mask }
    }

    /// A running guest's `<cpu>` as libvirt 9.0 rewrites a custom model's after start (virCPUx86UpdateLive, then
    /// check='full' and fallback='forbid'): to the CPU it was started with (`withRemovedFeatures`), every feature
    /// of the map QEMU enabled beyond the model and the definition's features is added as required, every one
    /// the model wants that QEMU left out or filtered as disabled, in the map's order. `enabled` and `disabled`
    /// are QEMU's feature-words and filtered-features of the vCPU. nil when the model is not in the map.
    func liveCPU(_ cpu: DomainCPU, enabled: Data, disabled: Data) -> (live: DomainCPU, original: DomainCPU)? {
        guard cpu.mode == nil || cpu.mode == .custom, let name = cpu.model?.name, let model = models[name] else {
            return nil
        }
        var start = withRemovedFeatures(cpu)
        start.model?.fallback = .forbid
        var modelData: Data = [:]
        for f in model.features { add(f, to: &modelData) }
        for f in cpu.features {
            switch f.policy {
            case .force, .require: add(f.name, to: &modelData)
            case .disable, .forbid: subtract(f.name, from: &modelData)
            case .optional: break
            }
        }
        var live = start
        func update(_ name: String, _ policy: DomainCPU.FeaturePolicy) {
            if let i = live.features.firstIndex(where: { $0.name == name }) {
                live.features[i].policy = policy
            } else {
                live.features.append(DomainCPU.Feature(policy: policy, name: name))
            }
        }
        for feature in features {
            let required = Self.isSubset(modelData, feature.bits)
            if !required && Self.isSubset(enabled, feature.bits) { update(feature.name, .require) }
            if Self.isSubset(disabled, feature.bits) || (required && !Self.isSubset(enabled, feature.bits)) {
                update(feature.name, .disable)
            }
        }
        let changed = live != start
        live.check = .full
        // libvirt keeps the CPU the guest was started with only when QEMU changed it; otherwise the migratable
        // XML shows the live one.
        return (live, changed ? start : live)
    }

    /// The CPU libvirt starts a guest with (virCPUx86Update): a named model's features that the map marks as
    /// removed from it are disabled unless the definition names them, so QEMU is told to leave them out.
    func withRemovedFeatures(_ cpu: DomainCPU) -> DomainCPU {
        guard cpu.mode == nil || cpu.mode == .custom, let model = cpu.model.flatMap({ models[$0.name] }) else {
            return cpu
        }
        var cpu = cpu
        for name in model.removed where !cpu.features.contains(where: { $0.name == name }) {
            cpu.features.append(DomainCPU.Feature(policy: .disable, name: name))
        }
        return cpu
    }

    /// `withRemovedFeatures` with the shared map on x86; `cpu` itself elsewhere or without the map.
    static func withRemovedFeatures(_ cpu: DomainCPU?, arch: String?) -> DomainCPU? {
        guard let cpu, arch == "x86_64" || arch == "i686", let map = shared else { return cpu }
        return map.withRemovedFeatures(cpu)
    }

    /// QEMU's `feature-words` / `filtered-features` (qom-get on an x86 vCPU) as CPU data.
    static func data(_ words: JSONValue?) -> Data {
        var data: Data = [:]
        for w in words?.arrayValue ?? [] {
            guard let register = w["cpuid-register"]?.stringValue, let leaf = w["cpuid-input-eax"]?.intValue,
                let features = w["features"]?.intValue
            else { continue }
            let word = Word(
                leaf: UInt32(truncatingIfNeeded: leaf), subleaf: UInt32(truncatingIfNeeded: w["cpuid-input-ecx"]?.intValue ?? 0),
                register: register.lowercased())
            data[word, default: 0] |= UInt32(truncatingIfNeeded: features)
        }
        return data
    }
}
