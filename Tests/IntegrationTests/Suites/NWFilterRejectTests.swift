import Foundation
import Testing

extension Integration.NWFilters {
    /// The filter of the guest in `cleanTrafficIsEnforcedOnARunningGuest`: clean-traffic, and `action` on its
    /// outgoing TCP to the gateway's DNS port, before clean-traffic accepts IPv4 at -650 (the guest connects there
    /// every two seconds, `svconnect`).
    static func connectFilter(_ action: String) -> String {
        """
        <filter name='svt-reject' chain='root'><uuid>7a1f4c0e-5b1d-4a35-9d55-4b2c1f0e9a21</uuid>\
        <filterref filter='clean-traffic'/>\
        <rule action='\(action)' direction='out' priority='-680'>\
        <tcp dstipaddr='10.77.0.1' dstportstart='53'/></rule></filter>
        """
    }

    static let connectTarget = "connect 10.77.0.1:53"

    /// The result of the guest's next connect after those seen so far ("refused", "timed out", "connected"); the
    /// one under way when asked is skipped, as it may have started under the earlier rules.
    static func nextConnect(_ g: TestGuest) async throws -> String {
        func count() -> Int { readFile(g.serialLog).components(separatedBy: connectTarget).count }
        let before = count()
        try await waitUntil("two new connect lines of \(g.name)", timeout: .seconds(90)) { count() > before + 1 }
        let last = readFile(g.serialLog).split(whereSeparator: \.isNewline).last { $0.contains(connectTarget) }
        return last.map { String($0.split(separator: " ").dropFirst(5).joined(separator: " ")) } ?? ""
    }

    /// `action='reject'` answers the guest's connects with ICMP port unreachable (libvirt's iptables REJECT):
    /// they are refused rather than left to time out. Redefining the filter changes the running guest's rules:
    /// a drop leaves them to time out, an accept lets them through. Ends with the reject defined again.
    static func rejectAndRedefine(_ virsh: Virsh, _ g: TestGuest, _ ns: NetworkNamespace, _ daemon: DaemonHarness)
        async throws
    {
        _ = try await Integration.Networks.waitForLine(g, containing: connectTarget)
        #expect(try await nextConnect(g) == "refused")
        let bridge = try await ns.exec("nft", "list", "table", "bridge", "swiftvirt_nwfilter").stdout
        #expect(bridge.contains("meta mark set meta mark | 0x10000000 accept"), "\(bridge)")
        let inet = try await ns.exec("nft", "list", "table", "inet", "swiftvirt_nwfilter").stdout
        let rejected = inet.firstMatch(of: /input[^}]*packets (\d+)[^}]*reject/).map { Int($0.1) ?? 0 } ?? 0
        #expect(rejected > 0, "\(inet)")

        try await virsh.must("nwfilter-define", write(daemon, "drop.xml", connectFilter("drop")))
        #expect(try await nextConnect(g) == "timed out")
        try await virsh.must("nwfilter-define", write(daemon, "accept.xml", connectFilter("accept")))
        #expect(try await nextConnect(g) == "connected")
        try await virsh.must("nwfilter-define", write(daemon, "reject.xml", connectFilter("reject")))
        #expect(try await nextConnect(g) == "refused")
    }
}
