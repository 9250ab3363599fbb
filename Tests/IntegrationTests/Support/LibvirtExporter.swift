import Foundation

/// Debian's prometheus-libvirt-exporter pointed at a daemon's URI, scraped over HTTP.
struct LibvirtExporter {
    static let path = "/usr/bin/prometheus-libvirt-exporter"

    /// The samples of one scrape: "name{labels}" → value.
    typealias Samples = [String: Double]

    /// Starts the exporter for `uri`, runs `body` with a scrape function, stops the exporter.
    static func with<T>(uri: String, scratch: URL, _ body: (() async throws -> Samples) async throws -> T) async throws -> T {
        let port = Int.random(in: 20_000...29_999)
        let exporter = try ChildProcess(
            path, ["--web.listen-address=127.0.0.1:\(port)", "--libvirt.uri=\(uri)"], scratch: scratch)
        defer { exporter.signal(SIGTERM) }
        let scrape = { () async throws -> Samples in
            let r = try await run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"], scratch: scratch)
            guard r.succeeded else { throw HarnessError("scrape failed: \(r) exporter: \(exporter.stderr)") }
            return parse(r.stdout)
        }
        try await waitUntil("the exporter on port \(port)", timeout: .seconds(20)) { (try? await scrape()) != nil }
        return try await body(scrape)
    }

    static func parse(_ text: String) -> Samples {
        var samples: Samples = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("libvirt_") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// The metric names (labels left out) of the samples about `domain`, and the host-wide ones.
    static func series(_ samples: Samples, domain: String) -> Set<String> {
        Set(samples.keys.filter { !$0.contains("domain=") || $0.contains("domain=\"\(domain)\"") }
            .map { String($0.prefix { $0 != "{" }) })
    }

    /// The value of the sample of `metric` about `domain` whose labels contain `label` (if given).
    static func value(_ samples: Samples, _ metric: String, domain: String, label: String? = nil) -> Double? {
        samples.first { key, _ in
            key.hasPrefix(metric + "{") && key.contains("domain=\"\(domain)\"") && (label.map(key.contains) ?? true)
        }?.value
    }
}
