import SwiftVirtCore

/// `-cpu`: the model from `<cpu>`, then the flags that `<cpu><feature>`, paravirtual timers and `<features>`
/// (Hyper-V enlightenments, KVM hints, pvspinlock, pmu, apic eoi) ask for, in libvirt's order.
extension ArgumentBuilder {
    mutating func addCPU() throws {
        var model = try cpuModel()
        var flags = ""
        for feature in X86CPUMap.withRemovedFeatures(def.cpu, arch: def.os.arch)?.features ?? [] {
            switch feature.policy {
            case .force, .require: flags += ",\(feature.name)=on"
            case .disable, .forbid: flags += ",\(feature.name)=off"
            case .optional: continue  // only honoured if the model supports it; QEMU decides
            }
        }
        flags += try timerFlags()
        let f = def.features
        if let eoi = f.apicEOI { flags += ",kvm-pv-eoi=\(eoi.rawValue)" }
        if let unhalt = f.pvspinlock { flags += ",kvm-pv-unhalt=\(unhalt.rawValue)" }
        if let h = f.hyperv { flags += hypervFlags(h) }
        if def.devices.panics.contains(where: { $0.model == .hyperv }) { flags += ",hv-crash" }
        for k in f.kvm {
            switch (k.name, k.state) {
            case (.hidden, .on): flags += ",kvm=off"
            case (.hintDedicated, .on): flags += ",kvm-hint-dedicated=on"
            case (.pollControl, .on): flags += ",kvm-poll-control=on"
            case (.pvIPI, .off): flags += ",kvm-pv-ipi=off"
            default: break  // dirty-ring is an accelerator property (see addAccelerator)
            }
        }
        if let pmu = f.pmu { flags += ",pmu=\(pmu.rawValue)" }
        if model == nil, !flags.isEmpty {
            // Flags need a model: QEMU's default for the architecture, as libvirt does.
            model = def.os.arch == "i686" ? "qemu32" : "qemu64"
        }
        if let model { add("-cpu", model + flags) }
    }

    private func cpuModel() throws -> String? {
        guard let cpu = def.cpu else { return nil }
        switch cpu.mode ?? .custom {
        case .hostPassthrough, .hostModel:
            // TCG cannot expose the host CPU; "max" is everything TCG emulates, the closest equivalent.
            return def.virtType == .kvm ? "host" : "max"
        case .maximum:
            return "max"
        case .custom:
            guard let name = cpu.model?.name else {
                if cpu.features.isEmpty { return nil }
                throw QEMUCommandLineError.unsupported("<cpu> features without a <model>")
            }
            return qemuEscaped(name)
        }
    }

    /// Paravirtual clocks: kvmclock on/off, the Hyper-V reference clock, a fixed TSC frequency.
    private func timerFlags() throws -> String {
        var flags = ""
        for timer in def.clock?.timers ?? [] {
            switch timer.name {
            case .kvmclock:
                if let present = timer.present { flags += ",kvmclock=\(present ? "on" : "off")" }
            case .hypervclock:
                if timer.present == true { flags += ",hv-time=on" }
            case .tsc:
                if let hz = timer.frequency { flags += ",tsc-frequency=\(hz)" }
            case .platform, .pit, .rtc, .hpet, .armvtimer:
                continue
            }
        }
        return flags
    }

    private func hypervFlags(_ h: DomainFeatures.HyperV) -> String {
        var flags = h.mode == .passthrough ? ",hv-passthrough=on" : ""
        for x in h.features.sorted(by: { $0.name < $1.name }) where x.state == .on {
            switch x.name {
            case .spinlocks:
                flags += ",hv-spinlocks=0x" + String(x.retries ?? 0x1fff, radix: 16)
            case .vendorID:
                flags += ",hv-vendor-id=\(x.value ?? "")"
            default:
                flags += ",hv-\(x.name.rawValue)=on"
                if x.name == .stimer, x.direct == .on { flags += ",hv-stimer-direct=on" }
            }
        }
        return flags
    }
}
