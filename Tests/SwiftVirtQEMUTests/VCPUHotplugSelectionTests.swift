import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// Which vCPU slots a setvcpus plugs or unplugs (libvirt's qemuDomainSelectHotplugVcpuEntities).
@Suite struct VCPUHotplugSelectionTests {
    static func slot(_ index: Int, plugged: Bool, boot: Bool = false, count: Int = 1) -> QEMUDomain.VCPUSlot {
        QEMUDomain.VCPUSlot(
            index: index, type: "qemu64-x86_64-cpu", count: count, props: [:],
            qomPath: boot ? "/machine/unattached/device[\(index)]" : plugged ? "/machine/peripheral/vcpu\(index)" : nil)
    }

    @Test func plugsTheFirstEmptySlotsAndUnplugsTheLastPluggedOnes() throws {
        let slots = [Self.slot(0, plugged: true, boot: true), Self.slot(1, plugged: true), Self.slot(2, plugged: false),
            Self.slot(3, plugged: false)]
        #expect(try QEMUDomain.chooseSlots(slots, online: 2, target: 4).map(\.index) == [2, 3])
        #expect(try QEMUDomain.chooseSlots(slots, online: 2, target: 1).map(\.index) == [1])
        #expect(try QEMUDomain.chooseSlots(slots, online: 2, target: 2).isEmpty)
        #expect(slots[1].pluggedID == "vcpu1" && slots[0].pluggedID == nil)
    }

    @Test func refusesWhatTheSlotsCannotReach() {
        let slots = [Self.slot(0, plugged: true, boot: true), Self.slot(1, plugged: false, count: 2)]
        #expect(
            throws: VirtError(
                .configUnsupported, domain: .qemu,
                detail: "target vm vcpu granularity does not allow the desired vcpu count")
        ) { try QEMUDomain.chooseSlots(slots, online: 1, target: 2) }
        #expect(
            throws: VirtError(
                .configUnsupported, domain: .qemu,
                detail: "failed to find appropriate hotpluggable vcpus to reach the desired target vcpu count")
        ) { try QEMUDomain.chooseSlots([Self.slot(0, plugged: true, boot: true)], online: 1, target: 0) }
    }
}
