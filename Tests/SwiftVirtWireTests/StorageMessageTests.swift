import Testing

@testable import SwiftVirtWire

/// Storage payloads against hand-assembled XDR words (layouts from remote_protocol.x, libvirt 9.0).
@Suite struct StorageMessageTests {
    static let uuid: [UInt8] = Array(0...15)
    /// `remote_nonnull_storage_pool` for pool "p1".
    static let poolHex = "00000002 70310000 00010203 04050607 08090A0B 0C0D0E0F"
    static let pool = RemoteNonnullStoragePool(name: "p1", uuid: uuid)
    /// `remote_nonnull_storage_vol` p1 / a / /x.
    static let volHex = "00000002 70310000 00000001 61000000 00000002 2F780000"
    static let vol = RemoteNonnullStorageVol(pool: "p1", name: "a", key: "/x")

    func check<T: XDRCodable & Equatable>(_ value: T, _ words: String) throws {
        #expect(value.xdrBytes() == hex(words))
        #expect(try T(xdrBytes: hex(words)) == value)
    }

    @Test func handles() throws {
        try check(Self.pool, Self.poolHex)
        try check(Self.vol, Self.volHex)
    }

    @Test func poolInfoStateIsOneWord() throws {
        try check(
            StoragePoolGetInfoRet(state: 2, capacity: 0x1_0000_0000, allocation: 3, available: 4),
            "00000002 00000001 00000000 00000000 00000003 00000000 00000004")
    }

    @Test func volInfoTypeIsSignedWord() throws {
        try check(
            StorageVolGetInfoRet(type: 0, capacity: 5, allocation: 6), "00000000 00000000 00000005 00000000 00000006")
    }

    @Test func listAllLayouts() throws {
        try check(ConnectListAllStoragePoolsArgs(needResults: 1, flags: 3), "00000001 00000003")
        try check(ConnectListAllStoragePoolsRet(pools: [Self.pool], ret: 1), "00000001 " + Self.poolHex + " 00000001")
        try check(
            StoragePoolListAllVolumesArgs(pool: Self.pool, needResults: -1, flags: 0),
            Self.poolHex + " FFFFFFFF 00000000")
        try check(StoragePoolListAllVolumesRet(vols: [Self.vol], ret: 1), "00000001 " + Self.volHex + " 00000001")
    }

    @Test func createAndLookupLayouts() throws {
        try check(StoragePoolDefineXmlArgs(xml: "<p/>", flags: 0), "00000004 3C702F3E 00000000")
        try check(StoragePoolLookupByUuidArgs(uuid: Self.uuid), "00010203 04050607 08090A0B 0C0D0E0F")
        try check(StorageVolLookupByNameArgs(pool: Self.pool, name: "a"), Self.poolHex + " 00000001 61000000")
        try check(
            StorageVolCreateXmlArgs(pool: Self.pool, xml: "x", flags: 1), Self.poolHex + " 00000001 78000000 00000001")
        try check(
            StorageVolCreateXmlFromArgs(pool: Self.pool, xml: "x", clonevol: Self.vol, flags: 0),
            Self.poolHex + " 00000001 78000000 " + Self.volHex + " 00000000")
        try check(StoragePoolSetAutostartArgs(pool: Self.pool, autostart: 1), Self.poolHex + " 00000001")
        try check(StorageVolGetPathRet(name: "/x"), "00000002 2F780000")
    }

    @Test func transferAndResizeLayouts() throws {
        try check(
            StorageVolUploadArgs(vol: Self.vol, offset: 1, length: 0, flags: 1),
            Self.volHex + " 00000000 00000001 00000000 00000000 00000001")
        try check(
            StorageVolResizeArgs(vol: Self.vol, capacity: 1 << 32, flags: 4),
            Self.volHex + " 00000001 00000000 00000004")
        try check(StreamHole(length: 65536, flags: 0), "00000000 00010000 00000000")
    }

    @Test func wipePatternAndEventLayouts() throws {
        try check(StorageVolWipePatternArgs(vol: Self.vol, algorithm: 9, flags: 0), Self.volHex + " 00000009 00000000")
        try check(ConnectStoragePoolEventRegisterAnyArgs(eventID: 0, pool: nil), "00000000 00000000")
        try check(
            ConnectStoragePoolEventRegisterAnyArgs(eventID: 1, pool: Self.pool), "00000001 00000001 " + Self.poolHex)
        try check(
            StoragePoolEventLifecycleMsg(callbackID: 3, pool: Self.pool, event: 2, detail: 0),
            "00000003 " + Self.poolHex + " 00000002 00000000")
        try check(StoragePoolEventRefreshMsg(callbackID: 4, pool: Self.pool), "00000004 " + Self.poolHex)
        try check(
            ConnectFindStoragePoolSourcesArgs(type: "dir", srcSpec: nil, flags: 0),
            "00000003 64697200 00000000 00000000")
    }

    @Test func procedureNumbers() {
        let expected: [(RemoteProcedure, Int32)] = [
            (.storagePoolCreateXml, 76), (.storagePoolDefineXml, 77), (.storagePoolCreate, 78), (.storagePoolBuild, 79),
            (.storagePoolDestroy, 80), (.storagePoolDelete, 81), (.storagePoolUndefine, 82), (.storagePoolRefresh, 83),
            (.storagePoolLookupByName, 84), (.storagePoolLookupByUuid, 85), (.storagePoolLookupByVolume, 86),
            (.storagePoolGetInfo, 87), (.storagePoolGetXmlDesc, 88), (.storagePoolGetAutostart, 89),
            (.storagePoolSetAutostart, 90), (.storageVolCreateXml, 93), (.storageVolDelete, 94),
            (.storageVolLookupByName, 95), (.storageVolLookupByKey, 96), (.storageVolLookupByPath, 97),
            (.storageVolGetInfo, 98), (.storageVolGetXmlDesc, 99), (.storageVolGetPath, 100),
            (.storageVolCreateXmlFrom, 125), (.storagePoolIsActive, 154), (.storagePoolIsPersistent, 155),
            (.storageVolWipe, 165), (.storageVolUpload, 208), (.storageVolDownload, 209), (.storageVolResize, 260),
            (.connectListAllStoragePools, 281), (.storagePoolListAllVolumes, 282),
            (.storageVolWipePattern, 259), (.connectStoragePoolEventRegisterAny, 368),
            (.connectStoragePoolEventDeregisterAny, 369), (.storagePoolEventLifecycle, 370),
            (.storagePoolEventRefresh, 373),
            (.storageVolGetInfoFlags, 378), (.connectFindStoragePoolSources, 75),
        ]
        for (proc, number) in expected { #expect(proc.rawValue == number, "\(proc)") }
    }

    @Test func truncatedPoolIsAnError() {
        #expect(throws: XDRError.self) { _ = try RemoteNonnullStoragePool(xdrBytes: hex("00000002 70310000 0001")) }
    }
}
