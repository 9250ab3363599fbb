/// Procedure numbers of the REMOTE program (remote_protocol.x, libvirt 9.0). Each case is libvirt's
/// REMOTE_PROC_* name camelCased word by word (XML → Xml, UUID → Uuid), so the .x name maps mechanically.
public enum RemoteProcedure: Int32, Sendable, CaseIterable {
    case connectOpen = 1
    case connectClose = 2
    case connectGetType = 3
    case connectGetVersion = 4
    case connectGetMaxVcpus = 5
    case nodeGetInfo = 6
    case connectGetCapabilities = 7
    case domainAttachDevice = 8
    case domainCreate = 9
    case domainCreateXml = 10
    case domainDefineXml = 11
    case domainDestroy = 12
    case domainDetachDevice = 13
    case domainGetXmlDesc = 14
    case domainGetAutostart = 15
    case domainGetInfo = 16
    case domainGetMaxMemory = 17
    case domainGetMaxVcpus = 18
    case domainGetOsType = 19
    case domainGetVcpus = 20
    case connectListDefinedDomains = 21
    case domainLookupById = 22
    case domainLookupByName = 23
    case domainLookupByUuid = 24
    case connectNumOfDefinedDomains = 25
    case domainPinVcpu = 26
    case domainReboot = 27
    case domainResume = 28
    case domainSetAutostart = 29
    case domainSetMaxMemory = 30
    case domainSetMemory = 31
    case domainSetVcpus = 32
    case domainShutdown = 33
    case domainSuspend = 34
    case domainUndefine = 35
    case connectListDefinedNetworks = 36
    case connectListDomains = 37
    case connectListNetworks = 38
    case networkCreate = 39
    case networkCreateXml = 40
    case networkDefineXml = 41
    case networkDestroy = 42
    case networkGetXmlDesc = 43
    case networkGetAutostart = 44
    case networkGetBridgeName = 45
    case networkLookupByName = 46
    case networkLookupByUuid = 47
    case networkSetAutostart = 48
    case networkUndefine = 49
    case connectNumOfDefinedNetworks = 50
    case connectNumOfDomains = 51
    case connectNumOfNetworks = 52
    case connectGetHostname = 59
    case connectSupportsFeature = 60
    case authList = 66
    case authSaslInit = 67
    case authSaslStart = 68
    case authSaslStep = 69
    case authPolkit = 70
    case storagePoolDefineXml = 77
    case storagePoolCreate = 78
    case storagePoolDestroy = 80
    case storagePoolUndefine = 82
    case storagePoolLookupByName = 84
    case storagePoolLookupByUuid = 85
    case storagePoolGetInfo = 87
    case storagePoolGetXmlDesc = 88
    case storageVolCreateXml = 93
    case storageVolDelete = 94
    case storageVolLookupByName = 95
    case storageVolLookupByPath = 97
    case storageVolGetInfo = 98
    case storageVolGetPath = 100
    case nodeGetFreeMemory = 102
    case connectDomainEventRegister = 105
    case connectDomainEventDeregister = 106
    case domainEventLifecycle = 107
    case connectGetUri = 110
    case domainGetSecurityLabel = 121
    case nodeGetSecurityModel = 122
    case connectDomainXmlFromNative = 135
    case connectDomainXmlToNative = 136
    case connectIsSecure = 149
    case domainIsActive = 150
    case domainIsPersistent = 151
    case networkIsActive = 152
    case networkIsPersistent = 153
    case storagePoolIsActive = 154
    case connectGetLibVersion = 157
    case domainAttachDeviceFlags = 160
    case domainDetachDeviceFlags = 161
    case connectDomainEventRegisterAny = 167
    case connectDomainEventDeregisterAny = 168
    case domainEventReboot = 169
    case domainUpdateDeviceFlags = 174
    case domainHasManagedSaveImage = 183
    case domainSnapshotCreateXml = 185
    case domainSnapshotGetXmlDesc = 186
    case domainSnapshotNum = 187
    case domainSnapshotLookupByName = 189
    case domainRevertToSnapshot = 192
    case domainSnapshotDelete = 193
    case domainCreateWithFlags = 196
    case domainSetVcpusFlags = 199
    case domainGetVcpusFlags = 200
    case domainOpenConsole = 201
    case domainIsUpdated = 202
    case connectGetSysinfo = 203
    case domainSetMemoryFlags = 204
    case storageVolUpload = 208
    case storageVolDownload = 209
    case domainScreenshot = 211
    case domainGetState = 212
    case domainUndefineFlags = 231
    case domainDestroyFlags = 234
    case domainReset = 245
    case domainShutdownFlags = 258
    case connectListAllDomains = 273
    case domainListAllSnapshots = 274
    case connectListAllStoragePools = 281
    case storagePoolListAllVolumes = 282
    case connectListAllNetworks = 283
    case domainMigrateBegin3Params = 302
    case domainMigratePrepare3Params = 303
    case domainMigratePerform3Params = 305
    case domainMigrateFinish3Params = 306
    case domainMigrateConfirm3Params = 307
    case connectDomainEventCallbackRegisterAny = 316
    case connectDomainEventCallbackDeregisterAny = 317
    case domainEventCallbackLifecycle = 318
    case domainEventCallbackReboot = 319
    case connectGetDomainCapabilities = 342
    case domainOpenGraphicsFd = 343
    case connectGetAllDomainStats = 344
    case domainDefineXmlFlags = 350
    case connectRegisterCloseCallback = 360
    case connectUnregisterCloseCallback = 361
    case connectEventConnectionClosed = 362
    case domainGetMessages = 426

    /// Short spelling of 316 (libvirt's name carries a `connect` prefix).
    public static let domainEventCallbackRegisterAny = RemoteProcedure.connectDomainEventCallbackRegisterAny
    /// Short spelling of 317.
    public static let domainEventCallbackDeregisterAny = RemoteProcedure.connectDomainEventCallbackDeregisterAny
}

/// Procedures of the KEEPALIVE program; both travel as MESSAGE packets with serial 0 and no payload.
public enum KeepaliveProcedure: Int32, Sendable {
    case ping = 1
    case pong = 2
}

/// Version word used by every program.
public let wireProtocolVersion: UInt32 = 1

/// Length limits from remote_protocol.x (libvirt 9.0) that decoders enforce.
public enum RemoteLimits {
    public static let string = 4_194_304
    public static let domainList = 16_384
    public static let authTypeList = 20
    public static let securityModel = 257
    public static let securityDoi = 257
    public static let securityLabel = 4097
    public static let domainMessages = 2048
    public static let migrateCookie = 4_194_304
    public static let migrateParamList = 64
    public static let nodeInfoModel = 32
    public static let uuid = 16
}
