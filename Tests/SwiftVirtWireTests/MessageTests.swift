import Testing

@testable import SwiftVirtWire

@Suite("Argument/return structs: byte layouts and round trips")
struct MessageTests {
    static let t1 = RemoteNonnullDomain(name: "t1", uuid: Array(0x10...0x1F), id: -1)
    static let t1Bytes = hex("00000002 74310000 10111213 14151617 18191A1B 1C1D1E1F FFFFFFFF")

    @Test(arguments: everyMessageSample.indices)
    func roundTrip(index: Int) throws {
        try assertRoundTrip(everyMessageSample[index])
    }

    private func assertRoundTrip<T: XDRCodable & Equatable>(_ value: T) throws {
        let bytes = value.xdrBytes()
        #expect(bytes.count % 4 == 0, "\(T.self) is not word aligned")
        #expect(try T(xdrBytes: bytes) == value, "\(T.self) did not survive a round trip")
        // Every strict prefix is an incomplete value and must be refused, not misread.
        for cut in 0..<bytes.count {
            #expect(throws: XDRError.self, "\(T.self) accepted \(cut) of \(bytes.count) bytes") {
                try T(xdrBytes: Array(bytes.prefix(cut)))
            }
        }
    }

    @Test func sharedTypesRoundTrip() throws {
        try assertRoundTrip(Self.t1)
        try assertRoundTrip(RemoteNonnullNetwork(name: "default", uuid: Array(repeating: 7, count: 16)))
        try assertRoundTrip(
            RemoteError(
                code: 1, domain: 2, message: "m", level: 2, dom: Self.t1, str1: "a", str2: nil, str3: "c", int1: 4,
                int2: 5, net: RemoteNonnullNetwork(name: "n", uuid: Array(0..<16))))
        for value: RemoteTypedParamValue in [
            .int(-1), .uint(2), .llong(-3), .ullong(4), .double(0.5), .boolean(1), .string("s"),
        ] {
            try assertRoundTrip(RemoteTypedParam(field: "f", value: value))
        }
    }

    @Test func domainLayout() throws {
        #expect(Self.t1.xdrBytes() == Self.t1Bytes)
        // A uuid of the wrong size still occupies exactly 16 bytes.
        let short = RemoteNonnullDomain(name: "t1", uuid: [0x10, 0x11], id: -1)
        #expect(short.xdrBytes().count == Self.t1Bytes.count)
    }

    @Test func remoteErrorAsLibvirtdSendsIt() throws {
        let message = "Domain not found: no domain with matching name 'X'"
        let error = RemoteError(code: 42, domain: 10, message: message, level: 2)
        let expected =
            hex("0000002A 0000000A 00000001 00000032") + Array(message.utf8) + [0, 0]
            + hex("00000002 00000000 00000000 00000000 00000000 FFFFFFFF FFFFFFFF 00000000")
        #expect(error.xdrBytes() == expected)
        #expect(try RemoteError(xdrBytes: expected) == error)
    }

    @Test func domainGetInfoIs32Bytes() throws {
        let info = DomainGetInfoRet(state: 1, maxMem: 1_048_576, memory: 524_288, nrVirtCpu: 2, cpuTime: 123)
        #expect(
            info.xdrBytes()
                == hex("00000001 00000000 00100000 00000000 00080000 00000002 00000000 0000007B"))
    }

    @Test func nodeInfoModelIs32Words() throws {
        let info = NodeGetInfoRet(
            model: XDRChars.fixed("x86_64", count: 32), memory: 4096, cpus: 2, mhz: 2000, nodes: 1, sockets: 1,
            cores: 2, threads: 1)
        let bytes = info.xdrBytes()
        #expect(bytes.count == 32 * 4 + 8 + 6 * 4)
        #expect(Array(bytes.prefix(8)) == hex("00000078 00000038"))
        #expect(Array(bytes[128..<140]) == hex("00000000 00001000 00000002"))
        #expect(XDRChars.string(try NodeGetInfoRet(xdrBytes: bytes).model) == "x86_64")
        // A model of the wrong length is padded so the following fields stay in place.
        let short = NodeGetInfoRet(
            model: [0x41], memory: 0, cpus: 0, mhz: 0, nodes: 0, sockets: 0, cores: 0, threads: 0)
        #expect(short.xdrBytes().count == bytes.count)
    }

    @Test func securityModelCountsTheNul() throws {
        let model = NodeGetSecurityModelRet(model: XDRChars.nulTerminated("none"), doi: XDRChars.nulTerminated("0"))
        #expect(
            model.xdrBytes()
                == hex("00000005 0000006E 0000006F 0000006E 00000065 00000000 00000002 00000030 00000000"))
        let label = DomainGetSecurityLabelRet(label: [], enforcing: 0)
        #expect(label.xdrBytes() == hex("00000000 00000000"))
    }

    @Test func listAllDomainsLayout() throws {
        let ret = ConnectListAllDomainsRet(domains: [Self.t1], ret: 1)
        #expect(ret.xdrBytes() == hex("00000001") + Self.t1Bytes + hex("00000001"))
        #expect(ConnectListAllDomainsArgs(needResults: 1, flags: 3).xdrBytes() == hex("00000001 00000003"))
        let tooMany = hex("00004001")  // REMOTE_DOMAIN_LIST_MAX + 1
        #expect(
            throws: XDRError.lengthExceeded(what: "array of RemoteNonnullDomain", length: 16385, limit: 16384)
        ) { try ConnectListAllDomainsRet(xdrBytes: tooMany) }
    }

    @Test func authListLimit() throws {
        #expect(AuthListRet(types: [0]).xdrBytes() == hex("00000001 00000000"))
        #expect(throws: XDRError.lengthExceeded(what: "array of Int32", length: 21, limit: 20)) {
            try AuthListRet(xdrBytes: hex("00000015"))
        }
    }

    @Test func lifecycleEventLayout() throws {
        let msg = DomainEventCallbackLifecycleMsg(
            callbackID: 1, msg: DomainEventLifecycleMsg(dom: Self.t1, event: 5, detail: 1))
        #expect(msg.xdrBytes() == hex("00000001") + Self.t1Bytes + hex("00000005 00000001"))
        let register = ConnectDomainEventCallbackRegisterAnyArgs(eventID: 0, dom: nil)
        #expect(register.xdrBytes() == hex("00000000 00000000"))
        #expect(RemoteProcedure.domainEventCallbackRegisterAny.rawValue == 316)
    }

    @Test func openConsoleWithNullDevice() throws {
        let args = DomainOpenConsoleArgs(dom: Self.t1, devName: nil, flags: 0)
        #expect(args.xdrBytes() == Self.t1Bytes + hex("00000000 00000000"))
    }

    @Test func typedParamRejectsUnknownType() {
        #expect(throws: XDRError.invalidDiscriminant(what: "remote_typed_param_value", value: 8)) {
            try RemoteTypedParam(xdrBytes: hex("00000001 66000000 00000008 00000000"))
        }
    }

    @Test func procedureNumbersMatchRemoteProtocol() {
        let expected: [(RemoteProcedure, Int32)] = [
            (.connectOpen, 1), (.connectClose, 2), (.connectGetType, 3), (.connectGetVersion, 4), (.nodeGetInfo, 6),
            (.connectGetCapabilities, 7), (.domainCreate, 9), (.domainCreateXml, 10), (.domainDefineXml, 11),
            (.domainDestroy, 12), (.domainGetXmlDesc, 14), (.domainGetAutostart, 15), (.domainGetInfo, 16),
            (.domainGetOsType, 19), (.connectListDefinedDomains, 21), (.domainLookupById, 22),
            (.domainLookupByName, 23), (.domainLookupByUuid, 24), (.connectNumOfDefinedDomains, 25),
            (.domainReboot, 27), (.domainResume, 28), (.domainSetAutostart, 29), (.domainShutdown, 33),
            (.domainSuspend, 34), (.domainUndefine, 35), (.connectListDomains, 37), (.connectNumOfDomains, 51),
            (.connectGetHostname, 59), (.connectSupportsFeature, 60), (.authList, 66), (.authPolkit, 70),
            (.domainEventLifecycle, 107), (.connectGetUri, 110), (.domainGetSecurityLabel, 121),
            (.nodeGetSecurityModel, 122), (.domainIsActive, 150), (.domainIsPersistent, 151),
            (.connectGetLibVersion, 157), (.connectDomainEventRegisterAny, 167),
            (.connectDomainEventDeregisterAny, 168), (.domainHasManagedSaveImage, 183),
            (.domainCreateWithFlags, 196), (.domainSetVcpusFlags, 199), (.domainGetVcpusFlags, 200),
            (.domainOpenConsole, 201), (.connectGetSysinfo, 203), (.domainSetMemoryFlags, 204),
            (.domainGetState, 212), (.domainUndefineFlags, 231), (.domainDestroyFlags, 234), (.domainReset, 245),
            (.domainShutdownFlags, 258), (.connectListAllDomains, 273),
            (.connectDomainEventCallbackRegisterAny, 316), (.connectDomainEventCallbackDeregisterAny, 317),
            (.domainEventCallbackLifecycle, 318), (.domainEventCallbackReboot, 319),
            (.connectGetDomainCapabilities, 342), (.domainDefineXmlFlags, 350),
            (.connectRegisterCloseCallback, 360), (.connectUnregisterCloseCallback, 361), (.domainGetMessages, 426),
        ]
        for (procedure, number) in expected { #expect(procedure.rawValue == number, "\(procedure)") }
        #expect(Set(RemoteProcedure.allCases.map(\.rawValue)).count == RemoteProcedure.allCases.count)
    }
}
