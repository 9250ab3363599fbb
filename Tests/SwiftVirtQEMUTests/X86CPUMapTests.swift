import Foundation
import SwiftVirtCore
import SwiftVirtSystem
import Testing

@testable import SwiftVirtQEMU

/// The live `<cpu>` computed from a CPU map and QEMU's feature words, on a small map of libvirt's format.
@Suite struct X86CPUMapTests {
    static func map() throws -> X86CPUMap {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpumap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = [
            "index.xml": """
                <cpus><arch name='x86'><include filename='x86_features.xml'/><include filename='x86_M.xml'/></arch></cpus>
                """,
            "x86_features.xml": """
                <cpus>
                <feature name='fpu'><cpuid eax_in='0x01' edx='0x00000001'/></feature>
                <feature name='vme'><cpuid eax_in='0x01' edx='0x00000002'/></feature>
                <feature name='monitor'><cpuid eax_in='0x01' ecx='0x00000008'/></feature>
                <feature name='hypervisor'><cpuid eax_in='0x01' ecx='0x80000000'/></feature>
                <feature name='erms'><cpuid eax_in='0x07' ecx_in='0x00' ebx='0x00000200'/></feature>
                </cpus>
                """,
            "x86_M.xml": """
                <cpus><model name='M'><feature name='fpu'/><feature name='vme'/><feature name='monitor' removed='yes'/></model></cpus>
                """,
        ]
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try #require(X86CPUMap.load(dir.path))
    }

    static func words(_ words: [(Int64, Int64, String, Int64)]) -> X86CPUMap.Data {
        X86CPUMap.data(
            .array(
                words.map { leaf, subleaf, register, features in
                    .object([
                        "cpuid-input-eax": .int(leaf), "cpuid-input-ecx": .int(subleaf),
                        "cpuid-register": .string(register), "features": .int(features),
                    ])
                }))
    }

    @Test func addedAndMissingFeaturesInMapOrder() throws {
        let map = try Self.map()
        var cpu = DomainCPU(mode: .custom)
        cpu.model = DomainCPU.Model(name: "M", fallback: .allow)
        cpu.check = DomainCPU.Check.none
        // QEMU: fpu on, vme off, hypervisor and erms on.
        let enabled = Self.words([(1, 0, "EDX", 1), (1, 0, "ECX", 0x8000_0000), (7, 0, "EBX", 0x200)])
        let (live, start) = try #require(map.liveCPU(cpu, enabled: enabled, disabled: [:]))
        #expect(live.check == .full)
        #expect(live.model?.fallback == .forbid)
        #expect(
            live.features.map { "\($0.policy.rawValue) \($0.name)" } == [
                "disable monitor", "disable vme", "require hypervisor", "require erms",
            ])
        #expect(start.features.map(\.name) == ["monitor"])
        #expect(start.check == DomainCPU.Check.none)
        #expect(map.liveCPU(DomainCPU(mode: .hostModel), enabled: enabled, disabled: [:]) == nil)
    }

    @Test func unchangedCPUIsItsOwnStartCPU() throws {
        let map = try Self.map()
        var cpu = DomainCPU(mode: .custom)
        cpu.model = DomainCPU.Model(name: "M", fallback: .forbid)
        cpu.features = [DomainCPU.Feature(policy: .disable, name: "monitor")]
        let (live, start) = try #require(map.liveCPU(cpu, enabled: Self.words([(1, 0, "EDX", 3)]), disabled: [:]))
        #expect(live == start)
        #expect(live.check == .full)
    }
}
