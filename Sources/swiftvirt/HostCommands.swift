import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the library and hypervisor versions.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.withClient { client in
            let type = try client.call(.connectGetType, returning: ConnectGetTypeRet.self).type
            let library = try client.call(.connectGetLibVersion, returning: ConnectGetLibVersionRet.self).libVer
            let hypervisor = try client.call(.connectGetVersion, returning: ConnectGetVersionRet.self).hvVer
            print("Using API: \(type) \(DomainListing.versionText(library))")
            print("Running hypervisor: \(type) \(DomainListing.versionText(hypervisor))")
        }
    }
}

struct Capabilities: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the host capabilities XML.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.withClient { client in
            print(try client.call(.connectGetCapabilities, returning: ConnectGetCapabilitiesRet.self).capabilities)
        }
    }
}
