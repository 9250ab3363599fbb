import SwiftVirtCore
import SwiftVirtSystem

extension QEMUDomain {
    /// The live `<cpu>` of a guest with a named x86 model, as libvirt 9.0 rewrites it after start from what QEMU
    /// made of the vCPU (`X86CPUMap.liveCPU`). host-model, host-passthrough and maximum stay as defined (see
    /// README). Nothing changes when the map or QEMU's answers are missing.
    func learnLiveCPU() async {
        guard let cpu = definition.cpu, definition.os.arch == "x86_64", let map = X86CPUMap.shared,
            map.models[cpu.model?.name ?? ""] != nil,
            let path = (try? await qmp.execute("query-cpus-fast"))?.arrayValue?.first?["qom-path"]?.stringValue,
            let enabled = try? await qmp.execute("qom-get", arguments: ["path": .string(path), "property": "feature-words"]),
            let filtered = try? await qmp.execute("qom-get", arguments: ["path": .string(path), "property": "filtered-features"])
        else { return }
        guard let (live, start) = map.liveCPU(cpu, enabled: X86CPUMap.data(enabled), disabled: X86CPUMap.data(filtered))
        else { return }
        runtime.liveCPU = live
        runtime.startCPU = start
    }
}
