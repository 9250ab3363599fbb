import Testing

@testable import SwiftVirtWire

// The exact bytes each message type produced when every one had its own hand-written coder (captured from
// commit 31af38f). Many now share a struct behind a typealias; this table keeps every old name and proves
// that sharing changed no byte on the wire.

/// `sampleDomain` and the string "héllo" as XDR words.
private let dom = "00000007 67756573 742D3100 00010203 04050607 08090A0B 0C0D0E0F 00000003"
private let hello = "00000006 68C3A96C 6C6F0000"

private let bytesBeforeSharing: [(value: any XDRCodable & Equatable, hex: String)] = [
    (ConnectOpenArgs(name: "x", flags: 0x8000_0001), "00000001 00000001 78000000 80000001"),
    (ConnectSupportsFeatureArgs(feature: -7), "FFFFFFF9"),
    (ConnectSupportsFeatureRet(supported: -7), "FFFFFFF9"),
    (ConnectGetTypeRet(type: "héllo"), hello),
    (ConnectGetVersionRet(hvVer: 0x0102_0304_0506_0708), "01020304 05060708"),
    (ConnectGetLibVersionRet(libVer: 0x0102_0304_0506_0708), "01020304 05060708"),
    (ConnectGetHostnameRet(hostname: "héllo"), hello),
    (ConnectGetSysinfoArgs(flags: 0x8000_0001), "80000001"),
    (ConnectGetSysinfoRet(sysinfo: "héllo"), hello),
    (ConnectGetUriRet(uri: "héllo"), hello),
    (ConnectIsSecureRet(secure: -7), "FFFFFFF9"),
    (
        NodeGetInfoRet(
            model: XDRChars.fixed("Intel", count: 32), memory: 0x0102_0304_0506_0708, cpus: -7, mhz: -7, nodes: -7,
            sockets: -7, cores: -7, threads: -7),
        """
        00000049 0000006E 00000074 00000065 0000006C 00000000 00000000 00000000 00000000 00000000
        00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
        00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
        00000000 00000000 01020304 05060708 FFFFFFF9 FFFFFFF9 FFFFFFF9 FFFFFFF9 FFFFFFF9 FFFFFFF9
        """
    ),
    (ConnectGetCapabilitiesRet(capabilities: "héllo"), hello),
    (
        ConnectGetDomainCapabilitiesArgs(emulatorbin: "x", arch: "x", machine: "x", virttype: "x", flags: 0x8000_0001),
        """
        00000001 00000001 78000000 00000001 00000001 78000000 00000001 00000001 78000000 00000001
        00000001 78000000 80000001
        """
    ),
    (ConnectGetDomainCapabilitiesRet(capabilities: "héllo"), hello),
    (AuthListRet(types: [1, -2, 3]), "00000003 00000001 FFFFFFFE 00000003"),
    (AuthPolkitRet(complete: -7), "FFFFFFF9"),
    (
        NodeGetSecurityModelRet(model: XDRChars.nulTerminated("none"), doi: XDRChars.nulTerminated("none")),
        "00000005 0000006E 0000006F 0000006E 00000065 00000000 00000005 0000006E 0000006F 0000006E 00000065 00000000"
    ),
    (ConnectListDomainsArgs(maxids: -7), "FFFFFFF9"),
    (ConnectListDomainsRet(ids: [1, -2, 3]), "00000003 00000001 FFFFFFFE 00000003"),
    (ConnectNumOfDomainsRet(num: -7), "FFFFFFF9"),
    (ConnectListDefinedDomainsArgs(maxnames: -7), "FFFFFFF9"),
    (ConnectListDefinedDomainsRet(names: ["a", "bcde"]), "00000002 00000001 61000000 00000004 62636465"),
    (ConnectNumOfDefinedDomainsRet(num: -7), "FFFFFFF9"),
    (ConnectListAllDomainsArgs(needResults: -7, flags: 0x8000_0001), "FFFFFFF9 80000001"),
    (
        ConnectListAllDomainsRet(domains: [sampleDomain, sampleDomain], ret: 0x8000_0001),
        "00000002 \(dom) \(dom) 80000001"
    ),
    (
        ConnectDomainXmlToNativeArgs(nativeFormat: "héllo", domainXml: "héllo", flags: 0x8000_0001),
        "\(hello) \(hello) 80000001"
    ),
    (ConnectDomainXmlToNativeRet(nativeConfig: "héllo"), hello),
    (DomainLookupByIdArgs(id: -7), "FFFFFFF9"),
    (DomainLookupByIdRet(dom: sampleDomain), dom),
    (DomainLookupByNameArgs(name: "héllo"), hello),
    (DomainLookupByNameRet(dom: sampleDomain), dom),
    (DomainLookupByUuidArgs(uuid: Array(1...16)), "01020304 05060708 090A0B0C 0D0E0F10"),
    (DomainLookupByUuidRet(dom: sampleDomain), dom),
    (DomainCreateXmlArgs(xmlDesc: "héllo", flags: 0x8000_0001), "\(hello) 80000001"),
    (DomainCreateXmlRet(dom: sampleDomain), dom),
    (DomainDefineXmlArgs(xml: "héllo"), hello),
    (DomainDefineXmlRet(dom: sampleDomain), dom),
    (DomainDefineXmlFlagsArgs(xml: "héllo", flags: 0x8000_0001), "\(hello) 80000001"),
    (DomainDefineXmlFlagsRet(dom: sampleDomain), dom),
    (DomainCreateArgs(dom: sampleDomain), dom),
    (DomainCreateWithFlagsArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainCreateWithFlagsRet(dom: sampleDomain), dom),
    (DomainDestroyArgs(dom: sampleDomain), dom),
    (DomainDestroyFlagsArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainShutdownArgs(dom: sampleDomain), dom),
    (DomainShutdownFlagsArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainRebootArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainResetArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainSuspendArgs(dom: sampleDomain), dom),
    (DomainResumeArgs(dom: sampleDomain), dom),
    (DomainUndefineArgs(dom: sampleDomain), dom),
    (DomainUndefineFlagsArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainGetXmlDescArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainGetXmlDescRet(xml: "héllo"), hello),
    (DomainGetAutostartArgs(dom: sampleDomain), dom),
    (DomainGetAutostartRet(autostart: -7), "FFFFFFF9"),
    (DomainSetAutostartArgs(dom: sampleDomain, autostart: -7), "\(dom) FFFFFFF9"),
    (DomainGetInfoArgs(dom: sampleDomain), dom),
    (
        DomainGetInfoRet(
            state: 5, maxMem: 0x0102_0304_0506_0708, memory: 0x0102_0304_0506_0708, nrVirtCpu: 2,
            cpuTime: 0x0102_0304_0506_0708), "00000005 01020304 05060708 01020304 05060708 00000002 01020304 05060708"
    ),
    (DomainGetOsTypeArgs(dom: sampleDomain), dom),
    (DomainGetOsTypeRet(type: "héllo"), hello),
    (DomainGetStateArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainGetStateRet(state: -7, reason: -7), "FFFFFFF9 FFFFFFF9"),
    (DomainIsActiveArgs(dom: sampleDomain), dom),
    (DomainIsActiveRet(active: -7), "FFFFFFF9"),
    (DomainIsPersistentArgs(dom: sampleDomain), dom),
    (DomainIsPersistentRet(persistent: -7), "FFFFFFF9"),
    (DomainHasManagedSaveImageArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainHasManagedSaveImageRet(result: -7), "FFFFFFF9"),
    (DomainGetSecurityLabelArgs(dom: sampleDomain), dom),
    (
        DomainGetSecurityLabelRet(label: XDRChars.nulTerminated("none"), enforcing: -7),
        "00000005 0000006E 0000006F 0000006E 00000065 00000000 FFFFFFF9"
    ),
    (DomainSetVcpusFlagsArgs(dom: sampleDomain, nvcpus: 0x8000_0001, flags: 0x8000_0001), "\(dom) 80000001 80000001"),
    (DomainGetVcpusFlagsArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainGetVcpusFlagsRet(num: -7), "FFFFFFF9"),
    (
        DomainSetMemoryFlagsArgs(dom: sampleDomain, memory: 0x0102_0304_0506_0708, flags: 0x8000_0001),
        "\(dom) 01020304 05060708 80000001"
    ),
    (
        DomainOpenConsoleArgs(dom: sampleDomain, devName: "x", flags: 0x8000_0001),
        "\(dom) 00000001 00000001 78000000 80000001"
    ),
    (DomainGetMessagesArgs(dom: sampleDomain, flags: 0x8000_0001), "\(dom) 80000001"),
    (DomainGetMessagesRet(msgs: ["a", "bcde"]), "00000002 00000001 61000000 00000004 62636465"),
    (ConnectDomainEventRegisterRet(cbRegistered: -7), "FFFFFFF9"),
    (ConnectDomainEventDeregisterRet(cbRegistered: -7), "FFFFFFF9"),
    (ConnectDomainEventRegisterAnyArgs(eventID: -7), "FFFFFFF9"),
    (ConnectDomainEventDeregisterAnyArgs(eventID: -7), "FFFFFFF9"),
    (ConnectDomainEventCallbackRegisterAnyArgs(eventID: -7, dom: sampleDomain), "FFFFFFF9 00000001 \(dom)"),
    (ConnectDomainEventCallbackRegisterAnyRet(callbackID: -7), "FFFFFFF9"),
    (ConnectDomainEventCallbackDeregisterAnyArgs(callbackID: -7), "FFFFFFF9"),
    (DomainEventLifecycleMsg(dom: sampleDomain, event: -7, detail: -7), "\(dom) FFFFFFF9 FFFFFFF9"),
    (
        DomainEventCallbackLifecycleMsg(
            callbackID: -7, msg: DomainEventLifecycleMsg(dom: sampleDomain, event: -7, detail: -7)),
        "FFFFFFF9 \(dom) FFFFFFF9 FFFFFFF9"
    ),
    (DomainEventRebootMsg(dom: sampleDomain), dom),
    (DomainEventCallbackRebootMsg(callbackID: -7, msg: DomainEventRebootMsg(dom: sampleDomain)), "FFFFFFF9 \(dom)"),
]

// The exact bytes the storage and network message types produced while each had its own hand-written coder
// (captured before they were moved onto the shared layouts of SharedPayloads.swift). Checked by
// MessageGoldenBytesTests so that sharing a layout can never change a byte on the wire.

/// "guest-1" + uuid 00..0F: a pool or network handle (a domain handle without its id).
private let obj = "00000007 67756573 742D3100 00010203 04050607 08090A0B 0C0D0E0F"
/// Volume "bcde" in pool "a" with key "héllo".
private let vol = "00000001 61000000 00000004 62636465 \(hello)"
private let big = "01020304 05060708"

let samplePool = RemoteNonnullStoragePool(name: "guest-1", uuid: Array(0..<16))
let sampleNetwork = RemoteNonnullNetwork(name: "guest-1", uuid: Array(0..<16))
let sampleVol = RemoteNonnullStorageVol(pool: "a", name: "bcde", key: "héllo")

let storageNetworkBytesBeforeSharing: [(value: any XDRCodable & Equatable, hex: String)] = [
    (samplePool, obj),
    (sampleNetwork, obj),
    (sampleVol, vol),
    (StoragePoolLookupByNameArgs(name: "héllo"), hello),
    (StoragePoolLookupByNameRet(pool: samplePool), obj),
    (StoragePoolLookupByUuidArgs(uuid: Array(1...16)), "01020304 05060708 090A0B0C 0D0E0F10"),
    (StoragePoolLookupByVolumeArgs(vol: sampleVol), vol),
    (StoragePoolDefineXmlArgs(xml: "héllo", flags: 0x8000_0001), "\(hello) 80000001"),
    (StoragePoolCreateXmlArgs(xml: "héllo", flags: 0x8000_0001), "\(hello) 80000001"),
    (StoragePoolBuildArgs(pool: samplePool, flags: 0x8000_0001), "\(obj) 80000001"),
    (StoragePoolGetXmlDescArgs(pool: samplePool, flags: 0x8000_0001), "\(obj) 80000001"),
    (StoragePoolGetXmlDescRet(xml: "héllo"), hello),
    (StoragePoolUndefineArgs(pool: samplePool), obj),
    (StoragePoolIsActiveRet(active: -7), "FFFFFFF9"),
    (StoragePoolNumOfVolumesRet(num: -7), "FFFFFFF9"),
    (
        // `unsigned char state`: the generated field is a UInt8 (the hand-written one was a UInt32 and was sampled
        // with 0x80000001, a value the protocol's C type cannot hold); any value it can hold gives the same word.
        StoragePoolGetInfoRet(state: 0x81, capacity: 0x0102_0304_0506_0708, allocation: 1, available: 2),
        "00000081 \(big) 00000000 00000001 00000000 00000002"
    ),
    (StoragePoolSetAutostartArgs(pool: samplePool, autostart: -7), "\(obj) FFFFFFF9"),
    (ConnectListStoragePoolsArgs(maxnames: -7), "FFFFFFF9"),
    (ConnectListDefinedStoragePoolsArgs(maxnames: -7), "FFFFFFF9"),
    (ConnectListStoragePoolsRet(names: ["a", "bcde"]), "00000002 00000001 61000000 00000004 62636465"),
    (StoragePoolListVolumesArgs(pool: samplePool, maxnames: -7), "\(obj) FFFFFFF9"),
    (ConnectListAllStoragePoolsArgs(needResults: -7, flags: 0x8000_0001), "FFFFFFF9 80000001"),
    (
        ConnectListAllStoragePoolsRet(pools: [samplePool, samplePool], ret: 0x8000_0001),
        "00000002 \(obj) \(obj) 80000001"
    ),
    (
        StoragePoolListAllVolumesArgs(pool: samplePool, needResults: -7, flags: 0x8000_0001),
        "\(obj) FFFFFFF9 80000001"
    ),
    (StoragePoolListAllVolumesRet(vols: [sampleVol], ret: 0x8000_0001), "00000001 \(vol) 80000001"),
    (StorageVolLookupByKeyArgs(key: "héllo"), hello),
    (StorageVolLookupByKeyRet(vol: sampleVol), vol),
    (StorageVolLookupByNameArgs(pool: samplePool, name: "héllo"), "\(obj) \(hello)"),
    (StorageVolCreateXmlArgs(pool: samplePool, xml: "héllo", flags: 0x8000_0001), "\(obj) \(hello) 80000001"),
    (
        StorageVolCreateXmlFromArgs(pool: samplePool, xml: "héllo", clonevol: sampleVol, flags: 0x8000_0001),
        "\(obj) \(hello) \(vol) 80000001"
    ),
    (StorageVolDeleteArgs(vol: sampleVol, flags: 0x8000_0001), "\(vol) 80000001"),
    (StorageVolGetXmlDescArgs(vol: sampleVol, flags: 0x8000_0001), "\(vol) 80000001"),
    (StorageVolGetInfoArgs(vol: sampleVol), vol),
    (
        StorageVolGetInfoRet(type: -7, capacity: 0x0102_0304_0506_0708, allocation: 1),
        "FFFFFFF9 \(big) 00000000 00000001"
    ),
    (StorageVolGetPathRet(name: "héllo"), hello),
    (
        StorageVolResizeArgs(vol: sampleVol, capacity: 0x0102_0304_0506_0708, flags: 0x8000_0001),
        "\(vol) \(big) 80000001"
    ),
    (
        StorageVolUploadArgs(vol: sampleVol, offset: 0x0102_0304_0506_0708, length: 1, flags: 0x8000_0001),
        "\(vol) \(big) 00000000 00000001 80000001"
    ),
    (StreamHole(length: -7, flags: 0x8000_0001), "FFFFFFFF FFFFFFF9 80000001"),
    (NetworkCreateArgs(net: sampleNetwork), obj),
    (NetworkLookupByNameRet(net: sampleNetwork), obj),
    (NetworkDefineXmlArgs(xml: "héllo"), hello),
    (NetworkLookupByUuidArgs(uuid: Array(1...16)), "01020304 05060708 090A0B0C 0D0E0F10"),
    (NetworkLookupByNameArgs(name: "héllo"), hello),
    (NetworkGetXmlDescArgs(net: sampleNetwork, flags: 0x8000_0001), "\(obj) 80000001"),
    (NetworkGetXmlDescRet(xml: "héllo"), hello),
    (NetworkGetBridgeNameRet(name: "héllo"), hello),
    (NetworkGetAutostartRet(autostart: -7), "FFFFFFF9"),
    (NetworkIsActiveRet(active: -7), "FFFFFFF9"),
    (NetworkIsPersistentRet(persistent: -7), "FFFFFFF9"),
    (NetworkSetAutostartArgs(net: sampleNetwork, autostart: -7), "\(obj) FFFFFFF9"),
    (ConnectListAllNetworksArgs(needResults: -7, flags: 0x8000_0001), "FFFFFFF9 80000001"),
    (ConnectListAllNetworksRet(nets: [sampleNetwork], ret: 0x8000_0001), "00000001 \(obj) 80000001"),
    (
        NetworkUpdateArgs(
            net: sampleNetwork, command: 1, section: 0x8000_0001, parentIndex: -7, xml: "héllo", flags: 2),
        "\(obj) 00000001 80000001 FFFFFFF9 \(hello) 00000002"
    ),
    (
        NetworkGetDhcpLeasesArgs(net: sampleNetwork, mac: "héllo", needResults: -7, flags: 0x8000_0001),
        "\(obj) 00000001 \(hello) FFFFFFF9 80000001"
    ),
    (
        NetworkGetDhcpLeasesArgs(net: sampleNetwork, mac: nil, needResults: 1, flags: 0),
        "\(obj) 00000000 00000001 00000000"
    ),
    (
        NetworkGetDhcpLeasesRet(
            leases: [
                RemoteNetworkDhcpLease(
                    iface: "a", expirytime: -7, type: 1, mac: nil, iaid: "a", ipaddr: "bcde", prefix: 24,
                    hostname: nil, clientid: nil)
            ], ret: 1),
        """
        00000001 00000001 61000000 FFFFFFFF FFFFFFF9 00000001 00000000 00000001 00000001 61000000
        00000004 62636465 00000018 00000000 00000000 00000001
        """
    ),
    (DomainInterfaceAddressesArgs(dom: sampleDomain, source: 2, flags: 0x8000_0001), "\(dom) 00000002 80000001"),
    (
        DomainInterfaceAddressesRet(ifaces: [
            RemoteDomainInterface(name: "a", hwaddr: nil, addrs: [RemoteDomainIpAddr(type: 0, addr: "bcde", prefix: 24)])
        ]),
        "00000001 00000001 61000000 00000000 00000001 00000000 00000004 62636465 00000018"
    ),
    (RemoteTypedParam(field: "a", value: .int(-7)), "00000001 61000000 00000001 FFFFFFF9"),
    (RemoteTypedParam(field: "a", value: .string("héllo")), "00000001 61000000 00000007 \(hello)"),
]

@Suite("Every message name encodes exactly as before the shared structs")
struct MessageGoldenBytesTests {
    @Test(arguments: bytesBeforeSharing.indices)
    func sameBytes(index: Int) throws {
        let (value, expected) = bytesBeforeSharing[index]
        try assertBytes(value, hex(expected))
    }

    @Test(arguments: storageNetworkBytesBeforeSharing.indices)
    func sameStorageNetworkBytes(index: Int) throws {
        let (value, expected) = storageNetworkBytesBeforeSharing[index]
        try assertBytes(value, hex(expected))
    }

    @Test func everySampleIsCovered() {
        #expect(bytesBeforeSharing.count == everyMessageSample.count)
    }

    private func assertBytes<T: XDRCodable & Equatable>(_ value: T, _ expected: [UInt8]) throws {
        #expect(value.xdrBytes() == expected, "\(T.self)")
        #expect(try T(xdrBytes: expected) == value, "\(T.self)")
    }
}
