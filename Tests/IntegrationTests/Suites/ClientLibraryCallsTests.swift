import Foundation
import SwiftVirtClient
import SwiftVirtWire
import Testing

extension Integration {
    /// The legacy list/count calls, the flag-taking lifecycle calls, the security and vCPU queries and the pool
    /// and volume extras of `VirtConnection`, each checked against what python3-libvirt (libvirt's own C client)
    /// and Debian virsh report on the same daemon, on swiftvirtd and on a real libvirtd 9.0.
    @Suite struct ClientLibraryCalls {
        @Test func typedCallsMatchLibvirtClientOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.typedCalls(CLIEndpoint($0)) }
        }

        @Test func typedCallsMatchLibvirtClientOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.typedCalls(CLIEndpoint($0)) }
        }

        /// What libvirt's C library (through python3-libvirt) answers for the same questions, as JSON.
        static let pythonFacts = """
            import json, sys, libvirt
            uri, name, pool, vol = sys.argv[1:5]
            c = libvirt.open(uri)
            d = c.lookupByName(name)
            p = c.storagePoolLookupByName(pool)
            v = p.storageVolLookupByName(vol)
            try:
                c.findStoragePoolSources('dir', None, 0); found = 0
            except libvirt.libvirtError as e:
                found = e.get_error_code()
            print(json.dumps({
                'numActive': c.numOfDomains(), 'ids': c.listDomainsID(),
                'numDefined': c.numOfDefinedDomains(), 'defined': c.listDefinedDomains(),
                'numPools': c.numOfStoragePools(), 'pools': c.listStoragePools(),
                'numDefinedPools': c.numOfDefinedStoragePools(), 'definedPools': c.listDefinedStoragePools(),
                'secModel': c.getSecurityModel(), 'secLabel': d.securityLabel(),
                'vcpus': d.vcpusFlags(0), 'maxConfigVcpus': d.vcpusFlags(6),
                'liveVcpus': d.vcpusFlags(1) if d.isActive() else -1,
                'managedSave': d.hasManagedSaveImage(0),
                'numVols': p.numOfVolumes(), 'poolActive': p.isActive(), 'vols': p.listVolumes(), 'autostart': p.autostart(),
                'volInfo': v.info(), 'volPhysical': v.infoFlags(1),
                'volPool': v.storagePoolLookupByVolume().name(), 'findSourcesError': found,
            }))
            """

        static func libvirtFacts(_ at: CLIEndpoint, _ dom: String, _ pool: String, _ vol: String) async throws
            -> [String: Any]
        {
            let result = try await run(
                TestEnvironment.python, ["-c", pythonFacts, at.uri, dom, pool, vol], scratch: at.scratch)
            guard result.succeeded,
                let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            else { throw HarnessError("python3-libvirt facts failed on \(at.label): \(result)") }
            return object
        }

        /// `virsh dominfo`'s "Messages:" entries (the first beside the label, the rest on indented lines).
        static func virshMessages(_ at: CLIEndpoint, _ name: String) async throws -> [String] {
            var messages: [String] = []
            var inMessages = false
            for line in try await at.virsh.must("dominfo", name).split(separator: "\n") {
                if line.hasPrefix("Messages:") {
                    inMessages = true
                    messages.append(trimmedText(String(line.dropFirst("Messages:".count))))
                } else if inMessages, line.first == " " {
                    messages.append(trimmedText(String(line)))
                } else {
                    inMessages = false
                }
            }
            return messages
        }

        /// A native command line with the value after `-uuid` left out.
        static func withoutUUID(_ argv: String) -> [Substring] {
            let words = argv.split(whereSeparator: \.isWhitespace)
            return words.enumerated().filter { $0.offset == 0 || words[$0.offset - 1] != "-uuid" }.map(\.element)
        }

        static func nameLines(_ text: String) -> Set<String> {
            Set(text.split(separator: "\n").map { trimmedText(String($0)) }.filter { !$0.isEmpty })
        }

        static func typedCalls(_ at: CLIEndpoint) async throws {
            let guest = try at.makeGuest()
            let conn = try await VirtConnection.connect(to: LibvirtURI(at.uri))
            let xml = readFile(guest.xmlPath)

            // domxml-to-native of a domain that is not even defined: the same text virsh prints.
            let native = try await conn.domainXMLToNative(xml: xml)
            #expect(native.contains("guest=\(guest.name)"), "\(at.label): \(native)")
            let virshNative = try await at.virsh.must("domxml-to-native", "qemu-argv", guest.xmlPath)
            // The XML has no <uuid>, so each conversion makes one up; all else is the same.
            #expect(withoutUUID(native) == withoutUUID(virshNative), "domxml-to-native on \(at.label)")

            // Pools: a persistent running one holding a volume, a defined inactive one, a transient one.
            let tag = UUID().uuidString.prefix(6).lowercased()
            func poolXML(_ name: String) -> String {
                "<pool type='dir'><name>\(name)</name><target><path>\(at.scratch.path)/\(name)</path></target></pool>"
            }
            let (running, idle, transient) = ("lcrun-\(tag)", "lcidle-\(tag)", "lctmp-\(tag)")
            let pool = try await conn.defineStoragePool(xml: poolXML(running))
            try await conn.build(pool)
            try await conn.start(pool)
            let idlePool = try await conn.defineStoragePool(xml: poolXML(idle))
            let transientPool = try await conn.createStoragePool(xml: poolXML(transient), flags: .build)
            #expect(transientPool.name == transient)
            #expect(try await conn.isPersistent(transientPool) == false)
            let vol = try await conn.createVolume(
                in: pool,
                xml:
                    "<volume><name>disk.raw</name><capacity>1048576</capacity><target><format type='raw'/></target></volume>"
            )
            try await conn.setAutostart(pool, true)

            // The domain is defined, not running.
            let dom = try await conn.defineDomain(xml: xml)
            var facts = try await libvirtFacts(at, guest.name, running, vol.name)
            #expect(try await conn.numberOfDefinedDomains() == facts["numDefined"] as? Int)
            let definedNames = try await conn.definedDomainNames()
            #expect(definedNames.contains(guest.name))
            #expect(Set(definedNames) == Set(facts["defined"] as? [String] ?? []), "\(at.label)")
            #expect(Set(definedNames) == nameLines(try await at.virsh.must("list", "--inactive", "--name")))
            #expect(try await conn.vcpuCount(dom) == facts["vcpus"] as? Int)
            #expect(try await conn.vcpuCount(dom, flags: [.config, .maximum]) == facts["maxConfigVcpus"] as? Int)
            let virshMaxVcpus = try await at.virsh.must("vcpucount", guest.name, "--maximum", "--config")
            #expect(String(try await conn.vcpuCount(dom, flags: [.config, .maximum])) == trimmedText(virshMaxVcpus))
            #expect(try await conn.hasManagedSaveImage(dom) == ((facts["managedSave"] as? Int) == 1))
            #expect(try await conn.hasManagedSaveImage(dom) == false)

            // Pools and volumes as libvirt's client and virsh see them.
            let activePools = try await conn.activeStoragePoolNames()
            #expect(Set(activePools.filter { $0.hasSuffix(tag) }) == [running, transient], "\(activePools)")
            #expect(Set(activePools) == Set(facts["pools"] as? [String] ?? []), "\(at.label)")
            #expect(Set(activePools) == nameLines(try await at.virsh.must("pool-list", "--name")))
            #expect(try await conn.numberOfActiveStoragePools() == facts["numPools"] as? Int)
            let definedPools = try await conn.definedStoragePoolNames()
            #expect(definedPools.contains(idle) && !definedPools.contains(running))
            #expect(Set(definedPools) == Set(facts["definedPools"] as? [String] ?? []), "\(at.label)")
            #expect(Set(definedPools) == nameLines(try await at.virsh.must("pool-list", "--inactive", "--name")))
            #expect(try await conn.numberOfDefinedStoragePools() == facts["numDefinedPools"] as? Int)
            #expect(try await conn.volumeNames(in: pool) == ["disk.raw"])
            #expect(try await conn.volumeNames(in: pool) == facts["vols"] as? [String])
            #expect(try await conn.numberOfVolumes(in: pool) == 1 && facts["numVols"] as? Int == 1)
            #expect(
                try await conn.storagePool(containing: vol).name == running && facts["volPool"] as? String == running)
            #expect(facts["autostart"] as? Int == 1)
            #expect(labelledFields(try await at.virsh.must("pool-info", running))["Autostart"] == "yes")
            let info = try await conn.info(vol, physical: false)
            let physical = try await conn.info(vol, physical: true)
            #expect([Int(info.type), Int(info.capacity), Int(info.allocation)] == facts["volInfo"] as? [Int])
            #expect(
                [Int(physical.type), Int(physical.capacity), Int(physical.allocation)] == facts["volPhysical"] as? [Int]
            )
            #expect(physical.allocation == 1_048_576, "a raw file's physical size is its length (\(at.label))")
            try await conn.setAutostart(pool, false)
            #expect(labelledFields(try await at.virsh.must("pool-info", running))["Autostart"] == "no")

            // Source discovery does not exist for directory pools: both clients get the same error code.
            do {
                _ = try await conn.findStoragePoolSources(type: "dir")
                Issue.record("find-storage-pool-sources dir succeeded on \(at.label)")
            } catch {
                #expect(error.libvirtError?.code == facts["findSourcesError"] as? Int32, "\(error)")
                #expect(error.libvirtError?.code == 3, "VIR_ERR_NO_SUPPORT on \(at.label): \(error)")
            }

            // Security: the model and the (inactive) label equal libvirt's client's.
            let model = try await conn.nodeSecurityModel()
            #expect([model.model, model.doi] == facts["secModel"] as? [String], "\(at.label): \(model)")
            if !model.model.isEmpty {
                #expect(try await at.virsh.must("capabilities").contains("<model>\(model.model)</model>"))
            }
            var label = try await conn.securityLabel(dom)
            let pyLabel = facts["secLabel"] as? [Any]
            #expect(label.label == pyLabel?.first as? String && label.enforcing == ((pyLabel?.last as? Int) == 1))

            // Started paused: the ids, counts, vCPUs, label and messages of a live domain.
            let live = try await conn.start(dom, flags: .paused)
            #expect(live.id > 0)
            #expect(try await at.virsh.state(guest.name) == "paused")
            facts = try await libvirtFacts(at, guest.name, running, vol.name)
            let ids = try await conn.activeDomainIDs()
            #expect(ids.contains(live.id))
            #expect(Set(ids) == Set((facts["ids"] as? [Int] ?? []).map(Int32.init)), "\(at.label)")
            #expect(try await conn.numberOfActiveDomains() == facts["numActive"] as? Int)
            #expect(
                try await conn.numberOfActiveDomains() == nameLines(try await at.virsh.must("list", "--name")).count)
            #expect(try await conn.definedDomainNames().contains(guest.name) == false)
            #expect(try await conn.vcpuCount(live, flags: .live) == facts["liveVcpus"] as? Int)
            let virshLive = try await at.virsh.must("vcpucount", guest.name, "--live", "--current")
            #expect(String(try await conn.vcpuCount(live, flags: .live)) == trimmedText(virshLive))
            label = try await conn.securityLabel(live)
            let liveLabel = facts["secLabel"] as? [Any]
            #expect(label.label == liveLabel?.first as? String, "\(at.label): \(label)")
            #expect(try await conn.messages(live) == (try await virshMessages(at, guest.name)), "\(at.label)")

            // Graceful destroy stops it; a fresh start and an ACPI power-button shutdown request are accepted.
            try await conn.destroy(live, flags: .graceful)
            #expect(try await at.virsh.state(guest.name) == "shut off")
            let again = try await conn.start(dom, flags: [])
            #expect(try await at.virsh.state(guest.name) == "running")
            try await conn.shutdown(again, modes: .acpiPowerButton)

            // The close-callback registration round-trips on both daemons.
            try await conn.registerCloseCallback()
            try await conn.unregisterCloseCallback()

            // The idle pool's directory is built, then deleted again; the pool stays defined and inactive.
            #expect(try await conn.isActive(pool))
            #expect(try await conn.isActive(idlePool) == false)
            #expect(facts["poolActive"] as? Int == 1)
            try await conn.build(idlePool)
            let idleDir = at.scratch.appendingPathComponent(idle).path
            #expect(FileManager.default.fileExists(atPath: idleDir))
            try await conn.deleteStorage(of: idlePool)
            #expect(!FileManager.default.fileExists(atPath: idleDir), "pool-delete on \(at.label)")
            #expect(labelledFields(try await at.virsh.must("pool-info", idle))["State"] == "inactive")

            try await conn.destroy(transientPool)
            #expect(try await conn.definedStoragePoolNames().contains(transient) == false)
            await conn.close()
        }
    }
}
