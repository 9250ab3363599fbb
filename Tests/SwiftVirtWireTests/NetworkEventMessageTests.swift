import Testing

@testable import SwiftVirtWire

@Suite("Network event messages: byte layouts from remote_protocol.x")
struct NetworkEventMessageTests {
    @Test func procedureNumbers() {
        #expect(RemoteProcedure.connectNetworkEventRegisterAny.rawValue == 313)
        #expect(RemoteProcedure.connectNetworkEventDeregisterAny.rawValue == 314)
        #expect(RemoteProcedure.networkEventLifecycle.rawValue == 315)
    }

    @Test func registerArgsCarryAnOptionalNetwork() throws {
        let any = ConnectNetworkEventRegisterAnyArgs(eventID: 0, net: nil)
        #expect(any.xdrBytes() == hex("00000000 00000000"))
        let one = ConnectNetworkEventRegisterAnyArgs(eventID: 0, net: NetworkMessageTests.net)
        #expect(one.xdrBytes() == hex("00000000 00000001") + NetworkMessageTests.netBytes)
        #expect(try ConnectNetworkEventRegisterAnyArgs(xdrBytes: one.xdrBytes()) == one)
    }

    @Test func lifecycleMessageLayout() throws {
        let msg = NetworkEventLifecycleMsg(callbackID: 7, net: NetworkMessageTests.net, event: 2, detail: 0)
        #expect(msg.xdrBytes() == hex("00000007") + NetworkMessageTests.netBytes + hex("00000002 00000000"))
        #expect(try NetworkEventLifecycleMsg(xdrBytes: msg.xdrBytes()) == msg)
    }
}
