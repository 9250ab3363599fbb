import Foundation
import Logging
import Testing

@testable import SwiftVirtCore
@testable import SwiftVirtDaemon

/// The nwfilter driver's rules without the kernel (no firewall): stock import, conflicts, loops, in-use, restart.
@Suite struct NWFilterRegistryTests {
    let root: String
    init() throws {
        root = NSTemporaryDirectory() + "swiftvirt-nwfilter-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/stock", withIntermediateDirectories: true)
        try "<filter name='stock-a' chain='mac'><rule action='drop' direction='out'/></filter>".write(
            toFile: root + "/stock/stock-a.xml", atomically: true, encoding: .utf8)
    }

    func opened() async -> NWFilterRegistry {
        let store = NWFilterStore(stateDir: root + "/state", runDir: root + "/run", stockDirectory: root + "/stock")
        let r = NWFilterRegistry(store: store, firewall: nil, logger: Logger(label: "t"))
        await r.restore()
        return r
    }

    func message(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch {
            return (error as? any LibvirtMappable)?.virtError.message
        }
    }

    @Test func definesRefusesAndSurvivesRestart() async throws {
        let r = await opened()
        #expect(await r.all().map(\.name) == ["stock-a"])
        let top = try await r.define(xml: "<filter name='top'><filterref filter='stock-a'/></filter>")
        #expect(
            await message { _ = try await r.define(xml: "<filter name='top'/>") }
                == "operation failed: filter 'top' already exists with uuid \(top.uuid)")
        #expect(
            await message { _ = try await r.define(xml: "<filter name='other'><uuid>\(top.uuid)</uuid></filter>") }
                == "operation failed: filter with same UUID but different name ('top') already exists")
        let loop = "<filter name='stock-a' chain='mac'><uuid>\(try await r.filter(named: "stock-a").uuid)</uuid>"
            + "<filterref filter='top'/></filter>"
        #expect(await message { _ = try await r.define(xml: loop) } == "operation failed: filter would introduce a loop")

        // A binding holds its filter tree; deleting the binding frees it.
        let binding = NWFilterBinding(
            ownerName: "vm", ownerUUID: top.uuid, portDev: "vnet9", mac: MACAddress(string: "52:54:00:00:00:09")!,
            filter: NWFilterReference(filter: "top"))
        let made = try await r.create(binding)
        #expect(made.filter.values("MAC") == ["52:54:00:00:00:09"])
        // Redefining a filter in use re-instantiates its ports; one that cannot be is refused, the old one kept.
        let broken = "<filter name='top'><uuid>\(top.uuid)</uuid><filterref filter='gone'/></filter>"
        #expect(await message { _ = try await r.define(xml: broken) } == "internal error: referenced filter 'gone' is missing")
        #expect(try await r.filter(named: "top") == top)
        #expect(await message { try await r.undefine(try await r.filter(named: "stock-a").uuid) } == "Requested operation is not valid: nwfilter is in use")
        try await r.delete(port: "vnet9")
        #expect(await message { try await r.delete(port: "vnet9") } == "Network filter binding not found: no nwfilter binding for port dev 'vnet9'")

        // Only the first start imports the stock filters: one undefined stays gone.
        try await r.undefine(try await r.filter(named: "stock-a").uuid)
        let again = await opened()
        #expect(await again.all().map(\.name) == ["top"])
        #expect(try await again.filter(named: "top") == top)
    }
}
