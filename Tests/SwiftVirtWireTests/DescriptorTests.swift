import Testing

@testable import SwiftVirtWire

/// The generated descriptors cover libvirt 9.0's programs completely and pair each number with its types.
@Suite("Generated procedure descriptors")
struct DescriptorTests {
    @Test func everyProgramIsComplete() {
        #expect(Remote.all.count == 443)
        #expect(Set(Remote.all.map { $0.info.number }) == Set(1...443))
        #expect(RemoteProcedure.allCases.count == 443)
        #expect(Qemu.all.count == 7)
        #expect(Lxc.all.count == 1)
        #expect(Keepalive.all.map { $0.info.name } == ["KEEPALIVE_PROC_PING", "KEEPALIVE_PROC_PONG"])
    }

    @Test func lookupByNumberFindsTheSameDescriptor() {
        for program in [Remote.all, Qemu.all, Lxc.all, Keepalive.all] {
            for procedure in program {
                let info = procedure.info
                let found = WirePrograms.procedure(program: info.program, number: info.number)
                #expect(found.map { ObjectIdentifier($0) } == ObjectIdentifier(procedure), "\(info.name)")
            }
        }
        #expect(WirePrograms.procedure(program: Remote.program, number: 444) == nil)
        #expect(WirePrograms.procedure(program: 0x1234, number: 1) == nil)
    }

    @Test func descriptorsCarryLibvirtsAnnotations() {
        let create = Remote.DomainCreate.info
        #expect(create.api == "virDomainCreate" && create.number == 9 && create.priority == .low)
        #expect(create.acl == ["domain:start"] && create.readOnly == .refused && create.kind == .call)
        #expect(Remote.DomainLookupByName.info.priority == .high)
        #expect(Remote.DomainLookupByName.info.readOnly == .allowed)
        #expect(Remote.DomainGetXMLDesc.info.api == "virDomainGetXMLDesc")
        #expect(Remote.ConnectListAllDomains.info.aclFilter == ["domain:getattr"])
        #expect(Remote.StorageVolUpload.info.stream == .write)
        #expect(Remote.StorageVolDownload.info.stream == .read)
        #expect(Remote.DomainOpenConsole.info.stream == .read)
        #expect(Remote.DomainEventCallbackLifecycle.info.kind == .message)
        #expect(Remote.ConnectDomainEventCallbackRegisterAny.info.api == "virConnectDomainEventRegisterAny")
        #expect(Remote.ConnectGetDomainCapabilities.info.readOnly == .refused)
        #expect(Qemu.DomainMonitorCommand.info.api == "virDomainQemuMonitorCommand")
        #expect(Qemu.DomainMonitorEvent.info.kind == .message)
        #expect(Lxc.DomainOpenNamespace.info.api == "virDomainLxcOpenNamespace")
        #expect(Keepalive.Ping.info.kind == .message)
    }

    /// The compiler does the pairing; this checks a few pairs against the .x names by decoding real layouts.
    @Test func argumentTypesArePaired() throws {
        let lookup = try Remote.DomainLookupByName.decodeArgs(DomainLookupByNameArgs(name: "t1").xdrBytes())
        #expect(lookup.name == "t1")
        #expect(Remote.DomainCreate.Ret.self == XDRVoid.self)
        #expect(Remote.ConnectGetType.Args.self == XDRVoid.self)
        #expect(throws: XDRError.self) { try Remote.DomainLookupByName.validateArguments([0, 0, 0]) }
    }
}
