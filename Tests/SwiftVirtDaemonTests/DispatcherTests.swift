import Testing

@testable import SwiftVirtDaemon
import SwiftVirtWire

/// The dispatch table: which procedures have handlers, which run in place, which a read-only connection may call.
@Suite struct DispatcherTests {
    let dispatcher = Dispatcher()

    func header(_ info: ProcedureInfo) -> PacketHeader {
        PacketHeader(program: info.program, version: 1, procedure: info.number, type: .call, serial: 1, status: .ok)
    }

    @Test func inlineCallsAreLibvirtsHighPriorityOnesThatDoNotWait() {
        #expect(dispatcher.runsInline(header(Remote.DomainLookupByName.info)))
        #expect(dispatcher.runsInline(header(Remote.ConnectListAllDomains.info)))
        // High priority in libvirt, but here they wait for a process, a job or a flushed file.
        #expect(!dispatcher.runsInline(header(Remote.DomainDestroy.info)))
        #expect(!dispatcher.runsInline(header(Remote.DomainDefineXML.info)))
        #expect(!dispatcher.runsInline(header(Remote.NetworkDestroy.info)))
        // Low priority.
        #expect(!dispatcher.runsInline(header(Remote.DomainCreate.info)))
        #expect(!dispatcher.runsInline(header(Remote.DomainGetXMLDesc.info)))
        // No handler: answered "not supported" by the connection's task.
        #expect(!dispatcher.runsInline(header(Remote.DomainSnapshotNum.info)))
    }

    @Test func everyRouteIsAProcedureOfItsProgram() {
        for route in dispatcher.table.routes.values {
            let found = WirePrograms.procedure(program: route.info.program, number: route.info.number)
            #expect(found?.info.name == route.info.name)
            #expect(route.info.kind == .call, "\(route.info.name) is a message, not a call")
        }
        #expect(dispatcher.table.routes.count > 100)
    }

    @Test func readOnlyRulesFollowLibvirt() {
        func allowed(_ info: ProcedureInfo) -> Bool? {
            dispatcher.table.route(program: info.program, procedure: info.number)?.readOnlyAllowed
        }
        #expect(allowed(Remote.DomainLookupByName.info) == true)
        #expect(allowed(Remote.DomainGetXMLDesc.info) == true)
        #expect(allowed(Remote.DomainCreate.info) == false)
        #expect(allowed(Remote.DomainDefineXML.info) == false)
        #expect(allowed(Remote.ConnectGetDomainCapabilities.info) == false)
        #expect(Dispatcher.notSupported(Remote.DomainSnapshotNum.info).domain == .domainSnapshot)
        #expect(Dispatcher.notSupported(Remote.NetworkGetDHCPLeases.info).domain == .network)
        #expect(Dispatcher.notSupported(Qemu.DomainAttach.info).domain == .none)
        #expect(
            Dispatcher.notSupported(Remote.ConnectGetAllDomainStats.info).message
                == "this function is not supported by the connection driver: virConnectGetAllDomainStats")
    }
}
