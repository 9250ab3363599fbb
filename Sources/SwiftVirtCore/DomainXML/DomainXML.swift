/// libvirt domain XML for the subset SwiftVirt supports.
public enum DomainXML {
    /// Parses `<domain>` text. Refuses malformed XML, invalid values and anything it does not understand.
    /// A missing `<uuid>` gets a random one. Does not apply defaults or run `validate()`.
    public static func parse(_ text: String) throws(DomainXMLError) -> DomainDefinition {
        try DomainXMLParser.parse(text)
    }

    /// Prints the definition. With `runtime`, prints the live XML (domain id, pty paths, VNC ports);
    /// without it, the persistent configuration. `secure: false` leaves out graphics passwords, as libvirt's
    /// XMLDesc does without VIR_DOMAIN_XML_SECURE; stored state is written with them.
    public static func format(_ d: DomainDefinition, runtime: DomainRuntimeInfo? = nil, secure: Bool = true) -> String {
        XMLRestore.merge(
            DomainXMLFormatter.format(d, runtime: runtime, secure: secure), kept: d.kept, order: DomainXMLOrder.order)
    }

    /// `d.migratable` printed as VIR_DOMAIN_XML_MIGRATABLE prints it: the inactive form, where a running guest's
    /// disk whose image has no backing file (`chainsEnded`, by target) keeps libvirt's `<backingStore/>`.
    public static func formatMigratable(_ d: DomainDefinition, chainsEnded: Set<String> = [], secure: Bool) -> String {
        XMLRestore.merge(
            DomainXMLFormatter.format(d.migratable, runtime: nil, secure: secure, chainsEnded: chainsEnded),
            kept: d.kept, order: DomainXMLOrder.order)
    }

    /// A running domain's definition as the daemon stores it: the persistent form with every device's alias,
    /// which QEMU knows the devices by (parsing keeps them).
    public static func formatState(_ d: DomainDefinition) -> String {
        XMLRestore.merge(
            DomainXMLFormatter.format(d, runtime: nil, aliases: true), kept: d.kept, order: DomainXMLOrder.order)
    }
}
