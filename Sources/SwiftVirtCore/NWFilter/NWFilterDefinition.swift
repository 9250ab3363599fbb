/// A network filter (`<filter>`): a named, chained list of rules and references to other filters, applied to a
/// guest NIC's traffic.
public struct NWFilterDefinition: Sendable, Equatable {
    public var name: String
    public var uuid: DomainUUID
    /// The chain the filter's rules live in: `root`, or a name starting with one of `NWFilterXML.chainPrefixes`.
    public var chain: String = "root"
    /// The chain's priority among the root chain's jumps (0 for `root`).
    public var chainPriority: Int = 0
    public var entries: [NWFilterEntry] = []

    public init(name: String, uuid: DomainUUID) {
        self.name = name
        self.uuid = uuid
    }

    /// Names of the filters this one references directly, in order.
    public var references: [String] {
        entries.compactMap {
            if case .reference(let r) = $0 { return r.filter }
            return nil
        }
    }
}

public enum NWFilterEntry: Sendable, Equatable {
    case rule(NWFilterRule)
    case reference(NWFilterReference)
}

/// `<filterref filter='...'>` with its `<parameter name value>`s: in a filter, a domain `<interface>` and a
/// binding. A parameter may carry several values (a list), kept in the order given.
public struct NWFilterReference: Sendable, Equatable {
    public var filter: String
    /// Sorted by name, as libvirt prints them.
    public var parameters: [(name: String, values: [String])]

    public init(filter: String, parameters: [(name: String, values: [String])] = []) {
        self.filter = filter
        self.parameters = parameters.sorted { $0.name < $1.name }
    }

    public func values(_ name: String) -> [String] { parameters.first { $0.name == name }?.values ?? [] }

    /// Adds one value to a parameter (a second value of a name makes it a list).
    public mutating func add(_ name: String, _ value: String) {
        if let i = parameters.firstIndex(where: { $0.name == name }) {
            parameters[i].values.append(value)
        } else {
            parameters.append((name, [value]))
            parameters.sort { $0.name < $1.name }
        }
    }

    public static func == (a: NWFilterReference, b: NWFilterReference) -> Bool {
        a.filter == b.filter && a.parameters.elementsEqual(b.parameters) { $0.name == $1.name && $0.values == $1.values }
    }
}

/// `<rule>`: what to do (action) with traffic of a direction that matches its protocol element.
public struct NWFilterRule: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable { case drop, accept, reject, `return`, `continue` }
    public enum Direction: String, Sendable, CaseIterable { case `in`, out, `inout` }
    public var action: Action
    public var direction: Direction
    /// -1000...1000; 500 when not given (or out of range).
    public var priority: Int = 500
    /// `statematch='false'`.
    public var noStateMatch = false
    /// nil: a rule without a protocol element (matches every frame of the chain).
    public var match: NWFilterMatch?

    public init(action: Action, direction: Direction) {
        self.action = action
        self.direction = direction
    }
}

/// A rule's protocol element (`<mac>`, `<ip>`, `<tcp>`...) and its attributes, in libvirt's order.
public struct NWFilterMatch: Sendable, Equatable {
    public var proto: NWFilterProtocol
    public var attributes: [NWFilterAttribute] = []

    public init(proto: NWFilterProtocol) { self.proto = proto }

    public subscript(_ name: String) -> NWFilterAttribute? { attributes.first { $0.name == name } }
}

public struct NWFilterAttribute: Sendable, Equatable {
    public var name: String
    public var value: NWFilterValue
    /// From `match='no'` on its element.
    public var negated: Bool

    public init(name: String, value: NWFilterValue, negated: Bool = false) {
        self.name = name
        self.value = value
        self.negated = negated
    }
}

/// An attribute's value, typed by what it was read as.
public enum NWFilterValue: Sendable, Equatable {
    /// `$NAME`, `$NAME[2]` (an element) or `$NAME[@1]` (an iterator); `access` is the bracket text or "".
    case variable(name: String, access: String)
    /// A number; `hex` when it was read (and so is printed) in hexadecimal.
    case number(UInt32, hex: Bool)
    case mac(MACAddress)
    case ip(IPAddress)
    /// A netmask, as its prefix length.
    case prefix(Int)
    /// A comment, a state list, TCP flags, an ipset name or flags: kept as written.
    case text(String)
    case boolean(Bool)
}

/// The protocol elements of a rule, in libvirt's order.
public enum NWFilterProtocol: String, Sendable, CaseIterable {
    case arp, rarp, mac, vlan, stp, ip, ipv6, tcp, udp, udplite, esp, ah, sctp, icmp, all, igmp
    case tcpIPv6 = "tcp-ipv6", udpIPv6 = "udp-ipv6", udpliteIPv6 = "udplite-ipv6", espIPv6 = "esp-ipv6"
    case ahIPv6 = "ah-ipv6", sctpIPv6 = "sctp-ipv6", icmpv6, allIPv6 = "all-ipv6"

    /// Layer-2 protocols (ebtables' domain in libvirt), as against those over IPv4 or IPv6.
    public var isEthernet: Bool { [.arp, .rarp, .mac, .vlan, .stp, .ip, .ipv6].contains(self) }
    public var isOverIPv6: Bool { rawValue.hasSuffix("-ipv6") || self == .icmpv6 }
}
