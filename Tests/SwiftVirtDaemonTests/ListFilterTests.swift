import Testing

@testable import SwiftVirtCore
@testable import SwiftVirtDaemon

@Suite struct ListFilterTests {
    func record(_ name: String, persistent: Bool, autostart: Bool, state: DomainState) -> DomainRecord {
        var def = DomainDefinition()
        def.name = name
        // Only inactive records here (a running one needs a driver's handle): the phase's state is shut off.
        #expect(state == .shutoff)
        return DomainRecord(config: def, persistent: persistent, autostart: autostart)
    }

    @Test func flagsFilterLikeLibvirt() throws {
        let records = [
            record("off", persistent: true, autostart: true, state: .shutoff),
            record("off2", persistent: true, autostart: false, state: .shutoff),
        ]
        func names(_ flags: UInt32) throws -> [String] {
            try DomainQueryRoutes.filtered(records, flags: flags).map(\.config.name)
        }
        #expect(try names(0) == ["off", "off2"])
        #expect(try names(1).isEmpty)  // ACTIVE
        #expect(try names(2) == ["off", "off2"])  // INACTIVE
        #expect(try names(1 | 2) == ["off", "off2"])
        #expect(try names(1024) == ["off"])  // AUTOSTART
        #expect(try names(2048) == ["off2"])  // NO_AUTOSTART
        #expect(try names(8).isEmpty)  // TRANSIENT
        #expect(try names(64) == ["off", "off2"])  // SHUTOFF
        #expect(try names(16).isEmpty)  // RUNNING
        #expect(throws: DaemonError.self) { try names(0x10000) }
    }
}
