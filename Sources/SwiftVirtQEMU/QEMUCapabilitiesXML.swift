import FoundationEssentials
import Glibc
import SwiftVirtCore

/// `<capabilities>` and `<domainCapabilities>` documents in libvirt's shape, for what this driver supports.
struct QEMUCapabilitiesXML {
    let capabilities: QEMUCapabilities
    let verdict: AcceleratorVerdict
    /// The `<graphics>` types guests can run with (spice when QEMU has it).
    var graphicsTypes = ["vnc"]

    static func escaped(_ s: String) -> String {
        s.replacing("&", with: "&amp;").replacing("<", with: "&lt;")
            .replacing(">", with: "&gt;").replacing("'", with: "&apos;")
            .replacing("\"", with: "&quot;")
    }

    /// An XML comment stating the probe's verdict ("--" is not allowed inside comments).
    var verdictComment: String {
        "<!-- KVM accelerator probe: \(verdict.description.replacing("--", with: "- -")) -->"
    }

    var domainTypes: [String] { verdict.isUsable ? ["qemu", "kvm"] : ["qemu"] }

    func capabilitiesDocument(hostUUID: String?, topology: HostTopology? = nil) -> String {
        let cpus = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var x = "<capabilities>\n\n  <host>\n"
        if let hostUUID { x += "    <uuid>\(hostUUID)</uuid>\n" }
        x += """
                <cpu>
                  <arch>x86_64</arch>
                  <topology sockets='1' dies='1' cores='\(cpus)' threads='1'/>
                </cpu>
                <power_management/>
                <iommu support='no'/>
                <migration_features>
                  <live/>
                </migration_features>
            \(topology?.xml ?? "")    <secmodel>
                  <model>none</model>
                  <doi>0</doi>
                </secmodel>
              </host>

              <guest>
                <os_type>hvm</os_type>
                \(verdictComment)
                <arch name='x86_64'>
                  <wordsize>64</wordsize>
                  <emulator>\(Self.escaped(capabilities.emulator))</emulator>

            """
        // Clients such as virt-install take the first machine listed as the default, so the default (as its
        // versioned name) and its alias lead, as in libvirt.
        let defaultName = capabilities.defaultMachine
        let defaultCanonical = capabilities.machines.first(where: { $0.name == defaultName })?.canonical ?? defaultName
        func rank(_ m: QEMUCapabilities.Machine) -> Int {
            m.name == defaultCanonical ? 0 : (m.canonical == defaultCanonical ? 1 : 2)
        }
        let ordered = capabilities.machines.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
        for machine in ordered.map(\.element) {
            let canonical = machine.canonical.map { " canonical='\(Self.escaped($0))'" } ?? ""
            x += "      <machine\(canonical) maxCpus='255'>\(Self.escaped(machine.name))</machine>\n"
        }
        for type in domainTypes { x += "      <domain type='\(type)'/>\n" }
        x += """
                </arch>
                <features>
                  <acpi default='on' toggle='yes'/>
                  <apic default='on' toggle='no'/>
                  <cpuselection/>
                  <deviceboot/>
                  <disksnapshot default='on' toggle='no'/>
                </features>
              </guest>

            </capabilities>

            """
        return x
    }

    /// `os` and `tpm`: those elements, indented, one line each ending in a newline (see DomainCapabilities+Firmware).
    func domainCapabilitiesDocument(
        machine: String, virtType: String, os: String = "  <os supported='yes'>\n    <loader supported='no'/>\n  </os>\n",
        tpm: String = ""
    ) -> String {
        func enumeration(_ name: String, _ values: [String]) -> String {
            "        <enum name='\(name)'>\n" + values.map { "          <value>\($0)</value>\n" }.joined()
                + "        </enum>\n"
        }
        let kvm = virtType == "kvm"
        return """
            <domainCapabilities>
              \(verdictComment)
              <path>\(Self.escaped(capabilities.emulator))</path>
              <domain>\(virtType)</domain>
              <machine>\(Self.escaped(machine))</machine>
              <arch>x86_64</arch>
              <vcpu max='255'/>
              <iothreads supported='no'/>
            \(os)\
              <cpu>
                <mode name='host-passthrough' supported='\(kvm ? "yes" : "no")'/>
                <mode name='maximum' supported='yes'/>
                <mode name='host-model' supported='\(kvm ? "yes" : "no")'/>
                <mode name='custom' supported='yes'>
                  <model usable='unknown'>qemu64</model>
                  <model usable='unknown'>qemu32</model>
                  <model usable='unknown'>kvm64</model>
                </mode>
              </cpu>
              <devices>
                <disk supported='yes'>
            \(enumeration("diskDevice", ["disk", "cdrom", "floppy"]))\
            \(enumeration("bus", ["ide", "fdc", "scsi", "virtio", "usb", "sata"]))\
                </disk>
                <graphics supported='yes'>
            \(enumeration("type", graphicsTypes))\
                </graphics>
                <video supported='yes'>
            \(enumeration("modelType", ["vga", "cirrus", "virtio", "bochs", "qxl", "none"]))\
                </video>
                <hostdev supported='no'/>
                <rng supported='yes'>
            \(enumeration("model", ["virtio"]))\
            \(enumeration("backendModel", ["random", "builtin"]))\
                </rng>
                <filesystem supported='yes'>
            \(enumeration("driverType", ["path"]))\
                </filesystem>
            \(tpm)\
              </devices>
              <features>
                <gic supported='no'/>
                <vmcoreinfo supported='no'/>
                <genid supported='no'/>
                <sev supported='no'/>
              </features>
            </domainCapabilities>

            """
    }
}
