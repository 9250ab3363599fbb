/// libvirt domain XML for the subset SwiftVirt supports.
public enum DomainXML {
    /// Parses `<domain>` text. Refuses malformed XML, invalid values and anything it does not understand.
    /// A missing `<uuid>` gets a random one. Does not apply defaults or run `validate()`.
    public static func parse(_ text: String) throws(DomainXMLError) -> DomainDefinition {
        try DomainXMLParser.parse(text)
    }

    /// Prints the definition. With `runtime`, prints the live XML (domain id, pty paths, VNC ports);
    /// without it, the persistent configuration.
    public static func format(_ d: DomainDefinition, runtime: DomainRuntimeInfo? = nil) -> String {
        XMLRestore.merge(DomainXMLFormatter.format(d, runtime: runtime), kept: d.kept, order: DomainXMLOrder.order)
    }
}
