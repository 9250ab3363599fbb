/// `<controller>`: read and written as libvirt 9.0 does (virDomainControllerDefParseXML/Format), and the order
/// libvirt keeps controllers in.
enum ControllerXML {
    /// A controller written without `index`, until `assignIndexes` gives it one.
    static let unassignedIndex = -1

    static func parse(_ r: inout ElementReader) throws(DomainXMLError) -> Controller {
        let type: Controller.ControllerType = try r.requiredEnumeration("type")
        var c = Controller(type: type, index: try r.integer("index") ?? unassignedIndex)
        c.sourceLine = SourceLine(r.line)
        if let a = r.attribute("model") {
            guard let model = Controller.Model(rawValue: a.value), model.fits(type) else {
                let known = Controller.Model.models(of: type).map { "'\($0.rawValue)'" }
                throw r.invalid(
                    a,
                    known.isEmpty
                        ? "controllers of type '\(type.rawValue)' have no model"
                        : "unknown model type; expected one of " + known.joined(separator: ", "))
            }
            c.model = model
        }
        let ports = try r.integer("ports")
        switch type {
        case .usb: c.ports = ports
        case .virtioSerial:
            c.ports = ports
            c.vectors = try r.integer("vectors")
        default: break
        }
        if type == .pci {
            c.modelName = try r.child("model") { m throws(DomainXMLError) in
                // 'none' is libvirt's spelling of "not set".
                m.string("name") == "none" ? nil : try m.enumeration("name", as: Controller.PCIModelName.self)
            } ?? nil
            try r.child("target") { t throws(DomainXMLError) in c.target = try pciTarget(&t) }
        }
        try r.child("driver") { e throws(DomainXMLError) in
            c.driver.queues = try e.integer("queues")
            c.driver.cmdPerLun = try e.integer("cmd_per_lun")
            c.driver.maxSectors = try e.integer("max_sectors")
            c.driver.ioeventfd = try e.enumeration("ioeventfd")
            c.driver.iothread = try e.integer("iothread")
        }
        if c.driver.iothread != nil, ![.virtioSCSI, .virtioTransitional, .virtioNonTransitional].contains(c.model) {
            throw .refused(
                code: .xmlError, message: "'iothread' attribute only supported for virtio scsi controllers",
                element: r.path + "/driver", line: r.line)
        }
        c.masterStartPort = try r.child("master") { m throws(DomainXMLError) in
            try m.requiredInteger("startport", in: 0...255)
        }
        (c.address, c.alias) = try DeviceXMLParser.addressAndAlias(&r)
        if type == .usb, c.model == Controller.Model.none {
            // As libvirt: a disabled USB bus has no place on any other bus.
            c.address = nil
            c.alias = nil
        }
        if c.masterStartPort == nil {
            switch c.model {
            case .ich9UHCI1?: c.masterStartPort = 0
            case .ich9UHCI2?: c.masterStartPort = 2
            case .ich9UHCI3?: c.masterStartPort = 4
            default: break
            }
        }
        return c
    }

    private static func pciTarget(_ t: inout ElementReader) throws(DomainXMLError) -> Controller.PCITarget {
        var target = Controller.PCITarget()
        target.chassisNr = try t.integer("chassisNr")
        target.chassis = try t.integer("chassis")
        target.port = try t.integer("port")
        target.busNr = try t.integer("busNr")
        target.hotplug = try t.enumeration("hotplug")
        target.index = try t.integer("index")
        if let text = try t.childText("node") {
            guard let n = Int(text.trimmingWhitespace()), n >= 0 else {
                throw .invalidValue(
                    element: t.path + "/node", attribute: nil, value: text, line: t.line,
                    reason: "invalid NUMA node in target")
            }
            target.numaNode = n
        }
        return target
    }

    static func format(_ w: inout XMLWriter, _ x: Controller) {
        var attrs: [XMLWriter.Attr] = [("type", x.type.rawValue), ("index", String(x.index)), ("model", x.model?.rawValue)]
        if x.type == .usb || x.type == .virtioSerial { attrs.append(("ports", x.ports.map(String.init))) }
        if x.type == .virtioSerial { attrs.append(("vectors", x.vectors.map(String.init))) }
        w.element("controller", attrs) { w in
            if x.type == .pci {
                if let n = x.modelName { w.empty("model", [("name", n.rawValue)]) }
                let t = x.target
                let targetAttrs: [XMLWriter.Attr] = [
                    ("chassisNr", t.chassisNr.map(String.init)), ("chassis", t.chassis.map(String.init)),
                    ("port", t.port.map { DeviceXMLFormatter.hex($0) }), ("busNr", t.busNr.map(String.init)),
                    ("index", t.index.map(String.init)), ("hotplug", t.hotplug?.rawValue),
                ]
                if let node = t.numaNode {
                    w.element("target", targetAttrs) { w in w.text("node", String(node)) }
                } else if !t.isEmpty {
                    w.empty("target", targetAttrs)
                }
            }
            let d = x.driver
            if !d.isEmpty {
                w.empty(
                    "driver",
                    [
                        ("queues", d.queues.map(String.init)), ("cmd_per_lun", d.cmdPerLun.map(String.init)),
                        ("max_sectors", d.maxSectors.map(String.init)), ("ioeventfd", d.ioeventfd?.rawValue),
                        ("iothread", d.iothread.map(String.init)),
                    ])
            }
            DeviceXMLFormatter.common(&w, x.alias, nil)
            if let s = x.masterStartPort { w.empty("master", [("startport", String(s))]) }
            DeviceXMLFormatter.common(&w, nil, x.address)
        }
    }

    /// The controllers of a document with libvirt's indexes given to those written without one. They stay in
    /// document order (so that a definition printed and parsed again is the same); libvirt's own order, which
    /// the assigners follow, is `Array.libvirtOrder`.
    static func withIndexes(_ parsed: [Controller]) -> [Controller] {
        let order = insertionOrder(parsed)
        var ordered = order.map { parsed[$0] }
        assignIndexes(&ordered)
        var out = parsed
        for (position, original) in order.enumerated() {
            out[original].index = ordered[position].index
            out[original].parsePosition = ParsePosition(position)
        }
        return out
    }

    /// Where libvirt's parser puts each controller (virDomainControllerInsertPreAlloced): after the last one of its
    /// type, but before one of its type with a higher index, and an EHCI master before its companions at the same
    /// index. Returns positions in `controllers`.
    static func insertionOrder(_ controllers: [Controller]) -> [Int] {
        var list: [Int] = []
        for (n, c) in controllers.enumerated() {
            var insertAt: Int?
            for i in list.indices.reversed() where controllers[list[i]].type == c.type {
                let current = controllers[list[i]]
                if c.index == unassignedIndex {
                    insertAt = i + 1
                    break
                }
                if current.index > c.index {
                    insertAt = i
                } else if c.masterStartPort == nil, current.masterStartPort != nil, current.index == c.index {
                    insertAt = i
                } else if insertAt == nil {
                    insertAt = i + 1
                }
            }
            list.insert(n, at: insertAt ?? list.count)
        }
        return list
    }

    /// As virDomainAssignControllerIndexes: a controller without an index gets the lowest unused one of its type,
    /// except that an ich9 USB2 controller right after another of the group (no USB controller between) joins that
    /// group's index unless the group already has one of its model.
    static func assignIndexes(_ controllers: inout [Controller]) {
        for i in controllers.indices where controllers[i].index == unassignedIndex {
            let c = controllers[i]
            if c.isUSB2Group, let prev = controllers[..<i].last(where: { $0.type == .usb }), prev.isUSB2Group,
                !controllers.contains(where: { $0.type == .usb && $0.index == prev.index && $0.model == c.model })
            {
                controllers[i].index = prev.index
                continue
            }
            var index = 0
            while controllers.contains(where: { $0.type == c.type && $0.index == index }) { index += 1 }
            controllers[i].index = index
        }
    }
}

extension Array where Element == Controller {
    /// Positions of the controllers in the order libvirt keeps them: those read from the document as its parser
    /// placed them (`ControllerXML.insertionOrder`), then those added since (implicit ones, buses the address
    /// assigner added), in the order they were added.
    public var libvirtOrder: [Int] {
        let parsed = indices.compactMap { i in self[i].parsePosition.value.map { (i, $0) } }
        let added = indices.filter { self[$0].parsePosition.value == nil }
        return parsed.sorted { $0.1 < $1.1 }.map(\.0) + added
    }
}
