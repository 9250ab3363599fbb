import SwiftVirtCore

/// Errors of the nwfilter driver, in libvirt 9.0's codes and words (nwfilter error domain).
enum NWFilterError: LibvirtMappable {
    case noFilterUUID(DomainUUID)
    case noFilterName(String)
    case noBinding(String)
    /// Another filter has this uuid (its name here).
    case uuidTaken(existingName: String)
    case nameTaken(String, uuid: DomainUUID)
    case loop
    case inUse
    case bindingExists(String)
    case storage(String)

    var virtError: VirtError {
        switch self {
        case .noFilterUUID(let uuid):
            VirtError(.noNwfilter, domain: .nwfilter, detail: "no nwfilter with matching uuid '\(uuid)'")
        case .noFilterName(let name):
            VirtError(.noNwfilter, domain: .nwfilter, detail: "no nwfilter with matching name '\(name)'")
        case .noBinding(let port):
            VirtError(.noNwfilterBinding, domain: .nwfilter, detail: "no nwfilter binding for port dev '\(port)'")
        case .uuidTaken(let name):
            VirtError(
                .operationFailed, domain: .nwfilter,
                detail: "filter with same UUID but different name ('\(name)') already exists")
        case .nameTaken(let name, let uuid):
            VirtError(.operationFailed, domain: .nwfilter, detail: "filter '\(name)' already exists with uuid \(uuid)")
        case .loop: VirtError(.operationFailed, domain: .nwfilter, detail: "filter would introduce a loop")
        case .inUse: VirtError(.operationInvalid, domain: .nwfilter, detail: "nwfilter is in use")
        case .bindingExists(let port):
            VirtError(.operationFailed, domain: .nwfilter, detail: "binding '\(port)' already exists")
        case .storage(let why): VirtError(.systemError, domain: .nwfilter, detail: why)
        }
    }
}
