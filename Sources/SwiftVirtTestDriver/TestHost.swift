import SwiftVirtCore

/// The objects libvirt's `test:///default` host starts with, and its capabilities. Names, UUIDs and sizes are
/// libvirt's, so a client sees the same host from libvirt's own test driver and from swiftvirtd's.
public enum TestHost {
    /// The running domain `test`.
    public static let defaultDomainXML = """
        <domain type='test'>
          <name>test</name>
          <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
          <memory unit='KiB'>8388608</memory>
          <currentMemory unit='KiB'>2097152</currentMemory>
          <vcpu>2</vcpu>
          <os><type>hvm</type></os>
          <devices>
            <disk type='file' device='disk'>
              <source file='/guest/diskimage1'/>
              <target dev='vda' bus='virtio'/>
              <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
            </disk>
            <interface type='network'>
              <mac address='aa:bb:cc:dd:ee:ff'/>
              <source network='default'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
            </interface>
            <memballoon model='virtio'>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
            </memballoon>
          </devices>
        </domain>
        """

    /// The active NAT network `default`.
    public static let defaultNetworkXML = """
        <network>
          <name>default</name>
          <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>
          <forward mode='nat'/>
          <bridge name='virbr0'/>
          <ip address='192.168.122.1' netmask='255.255.255.0'>
            <dhcp>
              <range start='192.168.122.2' end='192.168.122.254'/>
            </dhcp>
          </ip>
        </network>
        """

    /// The active directory pool `default-pool` (its path exists only in the test host).
    public static let defaultPoolXML = """
        <pool type='dir'>
          <name>default-pool</name>
          <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>
          <target><path>/default-pool</path></target>
        </pool>
        """

    /// The node libvirt's test driver reports: two NUMA nodes of 2 sockets × 2 cores × 2 threads at 1.4 GHz.
    public static let node = NodeFacts(
        model: "i686", memoryKiB: 3_145_728, cpus: 16, mhz: 1400, nodes: 2, sockets: 2, cores: 2, threads: 2)

    /// The SMBIOS libvirt's test driver reports.
    public static let sysinfoXML = """
        <sysinfo type='smbios'>
          <bios>
            <entry name='vendor'>LENOVO</entry>
            <entry name='version'>G4ETA1WW (2.61 )</entry>
            <entry name='date'>05/07/2014</entry>
            <entry name='release'>2.61</entry>
          </bios>
        </sysinfo>

        """

    /// Every pool of the test host reports 100 GiB, none of it used.
    public static let poolCapacity: UInt64 = 100 * 1024 * 1024 * 1024

    /// Two NUMA cells of eight CPUs, 32-bit x86 guests of type `test`, the test security model.
    public static var capabilitiesXML: String {
        func cell(_ id: Int, memoryKiB: Int, pageKiB: Int, firstCPU: Int) -> String {
            let cpus = (0..<8).map { i in
                "            <cpu id='\(firstCPU + i)' socket_id='\(id)' die_id='0' core_id='\(i)' siblings='\(firstCPU + i)'/>"
            }
            return """
                        <cell id='\(id)'>
                          <memory unit='KiB'>\(memoryKiB)</memory>
                          <pages unit='KiB' size='\(pageKiB)'>524288</pages>
                          <pages unit='KiB' size='2048'>0</pages>
                          <pages unit='KiB' size='1048576'>0</pages>
                          <cpus num='8'>
                \(cpus.joined(separator: "\n"))
                          </cpus>
                        </cell>
                """
        }
        func guest(_ osType: String) -> String {
            """
              <guest>
                <os_type>\(osType)</os_type>
                <arch name='i686'>
                  <wordsize>32</wordsize>
                  <emulator>/usr/bin/test-hv</emulator>
                  <domain type='test'/>
                </arch>
                <features>
                  <pae/>
                  <nonpae/>
                </features>
              </guest>
            """
        }
        return """
            <capabilities>

              <host>
                <cpu>
                  <arch>i686</arch>
                  <features>
                    <pae/>
                    <nonpae/>
                  </features>
                  <pages unit='KiB' size='4'/>
                  <pages unit='KiB' size='8'/>
                  <pages unit='KiB' size='2048'/>
                  <pages unit='KiB' size='1048576'/>
                </cpu>
                <power_management/>
                <iommu support='no'/>
                <topology>
                  <cells num='2'>
            \(cell(0, memoryKiB: 2_097_152, pageKiB: 4, firstCPU: 0))
            \(cell(1, memoryKiB: 4_194_304, pageKiB: 8, firstCPU: 8))
                  </cells>
                </topology>
                <secmodel>
                  <model>testSecurity</model>
                  <doi></doi>
                </secmodel>
              </host>

            \(guest("hvm"))

            \(guest("xen"))

            </capabilities>

            """
    }
}
