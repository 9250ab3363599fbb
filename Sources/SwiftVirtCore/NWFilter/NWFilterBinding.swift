/// A filter bound to a guest's host-side port (`<filterbinding>`): what the daemon instantiates for a NIC.
public struct NWFilterBinding: Sendable, Equatable {
    public var ownerName: String
    public var ownerUUID: DomainUUID
    public var portDev: String
    public var linkDev: String?
    public var mac: MACAddress
    public var filter: NWFilterReference

    public init(ownerName: String, ownerUUID: DomainUUID, portDev: String, mac: MACAddress, filter: NWFilterReference) {
        self.ownerName = ownerName
        self.ownerUUID = ownerUUID
        self.portDev = portDev
        self.mac = mac
        self.filter = filter
    }

    /// Parses `<filterbinding>` with libvirt's checks, in its order.
    public static func parse(_ text: String) throws(VirtError) -> NWFilterBinding {
        let root = try XMLDocumentRoot.parse(text, root: "filterbinding", name: "nwfilterbinding_definition")
        func fail(_ s: String) -> VirtError { VirtError(.internalError, domain: .nwfilter, detail: s) }
        func child(_ name: String) -> XMLElement? { root.childElements.first { $0.name == name } }
        guard let port = nonEmpty(child("portdev")?[attribute: "name"]) else {
            throw fail("filter binding has no port dev name")
        }
        var link: String?
        if let l = child("linkdev") {
            guard let name = nonEmpty(l[attribute: "name"]) else { throw fail("filter binding has no link dev name") }
            link = name
        }
        let owner = child("owner")
        guard let name = nonEmpty(owner?.childElements.first { $0.name == "name" }?.text) else {
            throw fail("filter binding has no owner name")
        }
        guard let uuidText = nonEmpty(owner?.childElements.first { $0.name == "uuid" }?.text) else {
            throw fail("filter binding has no owner UUID")
        }
        guard let uuid = DomainUUID(string: uuidText.trimmingWhitespace()) else {
            throw fail("Unable to parse UUID '\(uuidText)'")
        }
        guard let macText = nonEmpty(child("mac")?[attribute: "address"]) else {
            throw fail("filter binding has no MAC address")
        }
        guard let mac = MACAddress(string: macText) else { throw fail("Unable to parse MAC '\(macText)'") }
        guard let ref = child("filterref"), let filter = nonEmpty(ref[attribute: "filter"]) else {
            throw fail("filter binding has no filter reference")
        }
        var b = NWFilterBinding(
            ownerName: name, ownerUUID: uuid, portDev: port, mac: mac, filter: NWFilterXML.reference(ref, filter: filter))
        b.linkDev = link
        return b
    }

    /// As `virsh nwfilter-binding-dumpxml` prints it.
    public var xml: String {
        var out = "<filterbinding>\n  <owner>\n    <name>\(SecretXML.escaped(ownerName))</name>\n"
        out += "    <uuid>\(ownerUUID)</uuid>\n  </owner>\n"
        out += "  <portdev name='\(SecretXML.escaped(portDev))'/>\n"
        if let l = linkDev { out += "  <linkdev name='\(SecretXML.escaped(l))'/>\n" }
        out += "  <mac address='\(mac)'/>\n"
        return out + NWFilterXML.format(filter, indent: "  ") + "</filterbinding>\n"
    }

    private static func nonEmpty(_ s: String?) -> String? { NWFilterXML.nonEmpty(s) }
}
