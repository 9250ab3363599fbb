import Foundation
import Testing

extension Integration {
    /// Network XML side by side: every definition in Tests/SwiftVirtCoreTests/Fixtures/networks (one per element
    /// family of libvirt's network schema) is defined, read back (inactive), started, read back (live), stopped
    /// and redefined from its own dump on swiftvirtd and on a private libvirtd 9.0, each in a network namespace
    /// of its own; every definition in .../networks/refused is refused by both with the same code and error
    /// domain. The outputs must be the same, element by element and character by character, but for a MAC
    /// address each daemon picks at random and the start-time differences listed in `startDifferences` (the
    /// README's table).
    @Suite(.serialized, .timeLimit(.minutes(10))) struct NetworkComparison {
        static let corpus = TestEnvironment.packageRoot.appendingPathComponent("Tests/SwiftVirtCoreTests/Fixtures/networks")

        /// Where starting the same definition ends differently, and why. `swiftvirtd`: the code swiftvirtd's start
        /// fails with (nil: it starts); `libvirtd`: libvirtd's (nil: it starts), either when `kernelDependent`.
        struct StartDifference {
            var swiftvirtd: Int?
            var libvirtd: Int?
            var kernelDependent = false
            var why: String
        }

        static let startDifferences: [String: StartDifference] = [
            "bridge-ovs.xml": .init(
                swiftvirtd: 67, libvirtd: nil, why: "an Open vSwitch virtualport: SwiftVirt drives no Open vSwitch"),
            "macvtap-vepa.xml": .init(
                swiftvirtd: 67, libvirtd: nil, why: "an 802.1Qbg virtualport: SwiftVirt runs no lldpad association"),
            "hostdev-empty.xml": .init(
                swiftvirtd: 67, libvirtd: nil, why: "hostdev mode: SwiftVirt passes no PCI devices to guests"),
            "bridge-host.xml": .init(
                swiftvirtd: 9, libvirtd: 1,
                why: "a missing host bridge: swiftvirtd checks for it, libvirtd fails later in tc"),
            "nat-bandwidth.xml": .init(
                swiftvirtd: 67, libvirtd: 1, kernelDependent: true,
                why: "a kernel without sch_sfq/act_police: libvirtd's tc fails, swiftvirtd says it cannot honour"),
            "open.xml": .init(
                swiftvirtd: nil, libvirtd: 38, kernelDependent: true,
                why: "macTableManager='libvirt' on a kernel without bridge VLAN filtering: swiftvirtd still manages "
                    + "the ports' learning and FDB"),
        ]

        /// The JSON network_compare.py prints for one daemon.
        static func compare(_ uri: String, _ directory: URL, start: Bool, scratch: URL) async throws
            -> [String: [String: Any]]
        {
            let r = try await run(
                TestEnvironment.python,
                [TestEnvironment.pythonScript("network_compare.py"), uri, directory.path] + (start ? ["--start"] : []),
                scratch: scratch, timeout: .seconds(300))
            guard r.succeeded, let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [String: Any]]
            else { throw HarnessError("network_compare.py failed: \(r)") }
            return object
        }

        /// A MAC address the daemon generated (the source names none) is random on both sides.
        static func normalized(_ xml: Any?, source: String) -> String? {
            guard let xml = xml as? String else { return nil }
            if source.contains("<mac address=") { return xml }
            return xml.replacing(/<mac address='52:54:00:[0-9a-f:]+'\/>/, with: "<mac address='GENERATED'/>")
        }

        static func code(_ entry: [String: Any], _ key: String) -> Int? {
            (entry[key] as? [String: Any])?["code"] as? Int
        }

        @Test func definitionsDumpsAndRefusalsMatchLibvirtd() async throws {
            try await NetworkNamespace.with { ns in
                try await NetworkNamespace.with { lns in
                    try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                        try await LibvirtdHarness.with(netns: lns.name) { libvirtd in
                            try await Self.compareBoth(daemon, libvirtd)
                        }
                    }
                }
            }
        }

        static func compareBoth(_ daemon: DaemonHarness, _ libvirtd: LibvirtdHarness) async throws {
            let sv = try await compare(daemon.uri, corpus, start: true, scratch: daemon.scratch)
            let lv = try await compare(libvirtd.uri, corpus, start: true, scratch: daemon.scratch)
            #expect(sv.count >= 24 && Set(sv.keys) == Set(lv.keys))
            for (file, lvEntry) in lv.sorted(by: { $0.key < $1.key }) {
                let svEntry = sv[file] ?? [:]
                let source = readFile(corpus.appendingPathComponent(file).path)
                #expect(lvEntry["error"] == nil && svEntry["error"] == nil, "\(file) defines on both: \(svEntry)")
                let inactive = normalized(svEntry["inactive"], source: source)
                #expect(inactive == normalized(lvEntry["inactive"], source: source), "\(file): net-dumpxml --inactive")
                #expect(svEntry["redefined"] as? String == svEntry["inactive"] as? String, "\(file): redefined")
                if let d = startDifferences[file] {
                    let svCode = code(svEntry, "startError")
                    let lvCode = code(lvEntry, "startError")
                    let same = svCode == lvCode && normalized(svEntry["live"], source: source)
                        == normalized(lvEntry["live"], source: source)
                    let outcome =
                        "\(file) (\(d.why)): swiftvirtd \(svEntry["startError"] ?? "started"), libvirtd "
                        + "\(lvEntry["startError"] ?? "started")"
                    #expect(
                        svCode == d.swiftvirtd && (lvCode == d.libvirtd || d.kernelDependent && same), "\(outcome)")
                    continue
                }
                #expect(code(svEntry, "startError") == code(lvEntry, "startError"), "\(file): start outcome")
                #expect(
                    normalized(svEntry["live"], source: source) == normalized(lvEntry["live"], source: source),
                    "\(file): net-dumpxml of the running network")
            }
            let refused = corpus.appendingPathComponent("refused")
            let svRefused = try await compare(daemon.uri, refused, start: false, scratch: daemon.scratch)
            let lvRefused = try await compare(libvirtd.uri, refused, start: false, scratch: daemon.scratch)
            #expect(svRefused.count >= 60 && Set(svRefused.keys) == Set(lvRefused.keys))
            for (file, lvEntry) in lvRefused {
                let svError = svRefused[file]?["error"] as? [String: Any]
                let lvError = lvEntry["error"] as? [String: Any]
                #expect(lvError != nil, "libvirtd accepted \(file)")
                #expect(
                    svError?["code"] as? Int == lvError?["code"] as? Int
                        && svError?["domain"] as? Int == lvError?["domain"] as? Int,
                    "\(file): swiftvirtd \(svError ?? [:]), libvirtd \(lvError ?? [:])")
            }
        }
    }
}
