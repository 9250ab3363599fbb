import SwiftVirtCore

/// Puts a port's instantiated filter rules into the kernel with `nft` (table `bridge swiftvirt_nwfilter`, and
/// `inet swiftvirt_nwfilter` for rejects, see `NWFilterNFTables`) and takes them out. Blocking: call inside `BlockingIO.run`.
struct NWFilterFirewall: Sendable {
    let table = NWFilterNFTables.table

    /// Replaces the port's rules with these, in one nft transaction after the old ones are gone.
    func apply(tap: String, rules: [NWFilterInstanceRule]) throws {
        try apply(tap: tap, script: NWFilterNFTables.applyScript(tap: tap, rules: rules))
    }

    /// Replaces the port's rules with those of `script` (see `NWFilterNFTables`).
    func apply(tap: String, script: String) throws {
        for (family, setup) in [("bridge", NWFilterNFTables.setupScript), ("inet", NWFilterNFTables.rejectSetupScript)]
        where (try? HostCommand.run(["nft", "list", "table", family, table])) == nil {
            try HostCommand.run(["nft", "-f", "-"], input: setup)
        }
        remove(tap: tap)
        try HostCommand.run(["nft", "-f", "-"], input: script)
    }

    /// Whether both tables are there.
    func tablesPresent() -> Bool {
        guard let listing = try? HostCommand.run(["nft", "list", "tables"]) else { return false }
        return ["bridge", "inet"].allSatisfy { listing.contains("table \($0) \(table)\n") }
    }

    /// Removes the port's rules; nothing to remove is no error.
    func remove(tap: String) {
        for map in ["from_vm", "to_vm"] {
            HostCommand.attempt(["nft", "delete", "element", "bridge", table, map, "{ \"\(tap)\" }"])
        }
        guard let listing = try? HostCommand.run(["nft", "list", "chains", "bridge"]) else { return }
        let chains = listing.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let words = line.split(whereSeparator: \.isWhitespace)
            guard words.count >= 2, words[0] == "chain" else { return nil }
            return String(words[1])
        }
        let script = NWFilterNFTables.teardownScript(tap: tap, chains: chains)
        if !script.isEmpty { _ = try? HostCommand.run(["nft", "-f", "-"], input: script) }
    }
}
