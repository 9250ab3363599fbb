import SwiftVirtWire

/// Domain conveniences built from single calls, in the order virsh issues them.
extension RemoteClient {
    /// Resolves a virsh-style domain argument as virsh does: a number is tried as an id, a UUID-shaped string
    /// as a uuid, and then the text as a name. The name lookup's error is the one reported.
    public func lookupDomain(_ key: String) throws(ClientError) -> RemoteNonnullDomain {
        if let id = Int32(key), id >= 0,
            let found = try? call(.domainLookupById, DomainLookupByIdArgs(id: id), returning: DomainLookupByIdRet.self)
        {
            return found.dom
        }
        if let uuid = DomainUUID.parse(key),
            let found = try? call(
                .domainLookupByUuid, DomainLookupByUuidArgs(uuid: uuid), returning: DomainLookupByUuidRet.self)
        {
            return found.dom
        }
        return try call(.domainLookupByName, DomainLookupByNameArgs(name: key), returning: DomainLookupByNameRet.self)
            .dom
    }

    /// CONNECT_LIST_ALL_DOMAINS; flags 1 active, 2 inactive, 0 or 3 both.
    public func listAllDomains(flags: UInt32) throws(ClientError) -> [RemoteNonnullDomain] {
        try call(
            .connectListAllDomains, ConnectListAllDomainsArgs(needResults: 1, flags: flags),
            returning: ConnectListAllDomainsRet.self
        ).domains
    }

    public func domainState(_ dom: RemoteNonnullDomain) throws(ClientError) -> DomainGetStateRet {
        try call(.domainGetState, DomainGetStateArgs(dom: dom, flags: 0), returning: DomainGetStateRet.self)
    }
}

/// Text form of the 16-byte uuid carried in `remote_nonnull_domain`.
public enum DomainUUID {
    /// 32 hex digits, dashes allowed anywhere (as libvirt's parser accepts); nil if not UUID-shaped.
    public static func parse(_ text: String) -> [UInt8]? {
        let digits = text.filter { $0 != "-" }
        guard digits.count == 32, text.count <= 36 else { return nil }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// Lowercase 8-4-4-4-12 form.
    public static func format(_ bytes: [UInt8]) -> String {
        var out = ""
        for (i, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(i) { out += "-" }
            out += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return out
    }
}
