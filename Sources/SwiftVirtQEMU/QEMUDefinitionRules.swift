import SwiftVirtCore

/// What libvirt's QEMU driver refuses at define (its validation of a completed definition), in its words.
enum QEMUDefinitionRules {
    static func check(_ d: DomainDefinition) throws(DomainXMLError) {
        if d.tuning.maxMemoryKiB != nil, d.cpu?.numaCells.isEmpty ?? true {
            throw .refused(
                code: .configUnsupported,
                message: "At least one numa node has to be configured when enabling memory hotplug",
                element: "maxMemory", line: d.sourceLines["maxMemory"])
        }
        if d.os.biosUseSerial == true, d.devices.serials.isEmpty {
            throw .refused(
                code: .xmlError, message: "need at least one serial port to use BIOS serial output",
                element: "os/bios", line: d.sourceLines["os"])
        }
        if d.tuning.memtune?.minGuaranteeKiB != nil {
            throw .refused(
                code: .configUnsupported, message: "Parameter 'min_guarantee' not supported by QEMU.",
                element: "memtune/min_guarantee", line: nil)
        }
        let iothreads = Set(iothreadIDs(d.tuning))
        for disk in d.devices.disks {
            if let id = disk.driver?.iothread, !iothreads.contains(id) {
                throw .refused(
                    code: .configUnsupported, message: "Disk iothread '\(id)' not defined in iothreadid",
                    element: "devices/disk/driver", line: disk.sourceLine.line)
            }
            if disk.transient {
                if disk.type != .file {
                    throw .refused(
                        code: .configUnsupported,
                        message: "transient disk supported only with 'file' type (\(disk.targetDev))",
                        element: "devices/disk/transient", line: disk.sourceLine.line)
                }
                if disk.device != .disk {
                    throw .refused(
                        code: .configUnsupported,
                        message: "transient disk supported only with 'disk' device (\(disk.targetDev))",
                        element: "devices/disk/transient", line: disk.sourceLine.line)
                }
            }
        }
        for c in d.devices.controllers {
            if let id = c.driver.iothread, !iothreads.contains(id) {
                throw .refused(
                    code: .configUnsupported, message: "controller iothread '\(id)' not defined in iothreadid",
                    element: "devices/controller/driver", line: c.sourceLine.line)
            }
        }
        try checkFilesystems(d)
        for iommu in d.devices.generic where iommu.element == "iommu" {
            let driver = iommu.xml.content.compactMap { if case .element(let e) = $0, e.name == "driver" { e } else { nil } }.first
            let intremap = driver?.attributes.first { $0.name == "intremap" }?.value
            if intremap == "on", d.features.ioapic != .qemu {
                throw .refused(
                    code: .configUnsupported,
                    message: "IOMMU interrupt remapping requires split I/O APIC (ioapic driver='qemu')",
                    element: "devices/iommu/driver", line: iommu.sourceLine.line)
            }
        }
    }

    /// The iothread ids a definition has: `<iothreadids>`, else 1...`<iothreads>`.
    static func iothreadIDs(_ t: DomainTuning) -> [Int] {
        let count = t.iothreads ?? 0
        var ids = t.iothreadIDs
        var next = 1
        while ids.count < count {
            while ids.contains(next) { next += 1 }
            ids.append(next)
        }
        return ids
    }
}
