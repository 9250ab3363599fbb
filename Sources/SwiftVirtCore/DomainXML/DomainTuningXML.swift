/// `<maxMemory>`, `<memtune>`, `<memoryBacking>`, `<vcpus>`, `<iothreads>`, `<iothreadids>`, `<cputune>` and
/// `<numatune>`: read with libvirt's units and canonical forms, written where libvirt writes them.
enum DomainTuningXML {
    static func parse(_ r: inout ElementReader, into d: inout DomainDefinition) throws(DomainXMLError) {
        var t = d.tuning
        try r.child("maxMemory") { c throws(DomainXMLError) in
            t.maxMemorySlots = try c.integer("slots", in: 0...Int(UInt32.max))
            t.maxMemoryKiB = try DomainXMLParser.memoryKiB(&c)
        }
        t.memtune = try r.child("memtune") { c throws(DomainXMLError) in
            var m = DomainTuning.MemTune()
            m.hardLimitKiB = try c.child("hard_limit") { x throws(DomainXMLError) in try DomainXMLParser.memoryKiB(&x) }
            m.softLimitKiB = try c.child("soft_limit") { x throws(DomainXMLError) in try DomainXMLParser.memoryKiB(&x) }
            m.minGuaranteeKiB = try c.child("min_guarantee") { x throws(DomainXMLError) in
                try DomainXMLParser.memoryKiB(&x)
            }
            m.swapHardLimitKiB = try c.child("swap_hard_limit") { x throws(DomainXMLError) in
                try DomainXMLParser.memoryKiB(&x)
            }
            return m
        }
        t.memoryBacking = try r.child("memoryBacking") { c throws(DomainXMLError) in try memoryBacking(&c) }
        t.vcpuList = try r.child("vcpus") { c throws(DomainXMLError) in
            try c.children("vcpu") { v throws(DomainXMLError) in
                DomainTuning.VCPU(
                    id: try v.requiredInteger("id", in: 0...4095), enabled: try v.yesNo("enabled") ?? false,
                    hotpluggable: try v.yesNo("hotpluggable"), order: try v.integer("order", in: 1...4096))
            }
        } ?? []
        t.iothreads = try r.child("iothreads") { c throws(DomainXMLError) in
            let text = c.text().trimmingWhitespace()
            guard let n = Int(text), n >= 0 else {
                throw .invalidValue(
                    element: c.path, attribute: nil, value: text, line: c.line, reason: "expected an iothread count")
            }
            return n
        }
        t.iothreadIDs = try r.child("iothreadids") { c throws(DomainXMLError) in
            try c.children("iothread") { x throws(DomainXMLError) in try x.requiredInteger("id", in: 1...Int(UInt32.max)) }
        } ?? []
        t.cputune = try r.child("cputune") { c throws(DomainXMLError) in try cputune(&c) }
        t.numatune = try r.child("numatune") { c throws(DomainXMLError) in
            try c.child("memory") { m throws(DomainXMLError) in
                var n = DomainTuning.NUMATune()
                n.mode = try m.enumeration("mode")
                n.placement = try m.enumeration("placement")
                n.nodeset = try cpuset(&m, "nodeset")
                return n
            } ?? DomainTuning.NUMATune()
        }
        d.tuning = t
        try completeVCPUs(&d, line: r.line)
    }

    /// A cpuset attribute in libvirt's syntax.
    static func cpuset(_ r: inout ElementReader, _ name: String) throws(DomainXMLError) -> CPUSet? {
        guard let a = r.attribute(name) else { return nil }
        guard let set = CPUSet(parsing: a.value) else { throw r.invalid(a, "expected a CPU set such as '0-3,^2'") }
        return set
    }

    private static func memoryBacking(_ r: inout ElementReader) throws(DomainXMLError) -> DomainTuning.MemoryBacking {
        var m = DomainTuning.MemoryBacking()
        m.hugepages = r.has("hugepages")  // its <page> children are kept as written
        m.nosharepages = try r.flag("nosharepages")
        m.locked = try r.flag("locked")
        m.source = try r.child("source") { c throws(DomainXMLError) in try c.requiredEnumeration("type") }
        m.access = try r.child("access") { c throws(DomainXMLError) in try c.requiredEnumeration("mode") }
        try r.child("allocation") { c throws(DomainXMLError) in
            m.allocation = try c.enumeration("mode")
            m.allocationThreads = try c.integer("threads", in: 1...Int(UInt32.max))
        }
        m.discard = try r.flag("discard")
        return m
    }

    private static func cputune(_ r: inout ElementReader) throws(DomainXMLError) -> DomainTuning.CPUTune {
        var t = DomainTuning.CPUTune()
        func number(_ r: inout ElementReader, _ name: String, _ range: ClosedRange<Int64>) throws(DomainXMLError)
            -> Int64?
        {
            try r.child(name) { c throws(DomainXMLError) in
                let text = c.text().trimmingWhitespace()
                guard let v = Int64(text), range.contains(v) else {
                    throw .invalidValue(
                        element: c.path, attribute: nil, value: text, line: c.line,
                        reason: "expected an integer in \(range.lowerBound)...\(range.upperBound)")
                }
                return v
            }
        }
        let periods: ClosedRange<Int64> = 1000...1_000_000
        let quotas: ClosedRange<Int64> = -1...17_592_186_044_415
        t.shares = try number(&r, "shares", 0...262_144).map(UInt64.init)
        t.period = try number(&r, "period", periods).map(UInt64.init)
        t.quota = try number(&r, "quota", quotas)
        t.globalPeriod = try number(&r, "global_period", periods).map(UInt64.init)
        t.globalQuota = try number(&r, "global_quota", quotas)
        t.emulatorPeriod = try number(&r, "emulator_period", periods).map(UInt64.init)
        t.emulatorQuota = try number(&r, "emulator_quota", quotas)
        t.iothreadPeriod = try number(&r, "iothread_period", periods).map(UInt64.init)
        t.iothreadQuota = try number(&r, "iothread_quota", quotas)
        t.vcpupins = try r.children("vcpupin") { c throws(DomainXMLError) in
            guard let set = try cpuset(&c, "cpuset") else { throw .missing(element: c.path, attribute: "cpuset", line: c.line) }
            return DomainTuning.CPUTune.Pin(id: try c.requiredInteger("vcpu", in: 0...4095), cpuset: set)
        }
        t.emulatorpin = try r.child("emulatorpin") { c throws(DomainXMLError) in
            guard let set = try cpuset(&c, "cpuset") else { throw .missing(element: c.path, attribute: "cpuset", line: c.line) }
            return set
        }
        t.iothreadpins = try r.children("iothreadpin") { c throws(DomainXMLError) in
            guard let set = try cpuset(&c, "cpuset") else { throw .missing(element: c.path, attribute: "cpuset", line: c.line) }
            return DomainTuning.CPUTune.Pin(id: try c.requiredInteger("iothread", in: 1...Int(UInt32.max)), cpuset: set)
        }
        return t
    }

    /// `<vcpus>` must name every vCPU once; its enabled ones are the vCPUs online at boot (libvirt's rule).
    private static func completeVCPUs(_ d: inout DomainDefinition, line: Int) throws(DomainXMLError) {
        let list = d.tuning.vcpuList
        guard !list.isEmpty else { return }
        guard list.count == d.vcpus, Set(list.map(\.id)) == Set(0..<d.vcpus) else {
            throw .inconsistent(
                element: "domain/vcpus", line: line,
                reason: "vcpu count '\(d.vcpus)' and the <vcpus> list (\(list.count) entries) do not match")
        }
        d.tuning.vcpuList.sort { $0.id < $1.id }
        let enabled = list.filter(\.enabled).count
        guard enabled > 0 else {
            throw .inconsistent(element: "domain/vcpus", line: line, reason: "at least one vCPU must be enabled")
        }
        d.currentVcpus = enabled == d.vcpus ? nil : enabled
    }

    // MARK: formatting

    static func formatMemory(_ w: inout XMLWriter, _ t: DomainTuning) {
        if let m = t.memtune, m != DomainTuning.MemTune() {
            w.element("memtune") { w in
                if let v = m.hardLimitKiB { w.text("hard_limit", [("unit", "KiB")], String(v)) }
                if let v = m.softLimitKiB { w.text("soft_limit", [("unit", "KiB")], String(v)) }
                if let v = m.minGuaranteeKiB { w.text("min_guarantee", [("unit", "KiB")], String(v)) }
                if let v = m.swapHardLimitKiB { w.text("swap_hard_limit", [("unit", "KiB")], String(v)) }
            }
        }
        if let m = t.memoryBacking {
            w.element("memoryBacking") { w in
                if m.nosharepages { w.empty("nosharepages") }
                if m.locked { w.empty("locked") }
                if let s = m.source { w.empty("source", [("type", s.rawValue)]) }
                if let a = m.access { w.empty("access", [("mode", a.rawValue)]) }
                if m.allocation != nil || m.allocationThreads != nil {
                    w.empty(
                        "allocation",
                        [("mode", m.allocation?.rawValue), ("threads", m.allocationThreads.map(String.init))])
                }
                if m.discard { w.empty("discard") }
            }
        }
    }

    /// After `<vcpu>`: `<vcpus>`, `<iothreads>`, `<iothreadids>`, `<cputune>`, `<numatune>`.
    static func formatCPU(_ w: inout XMLWriter, _ t: DomainTuning) {
        if !t.vcpuList.isEmpty {
            w.element("vcpus") { w in
                for v in t.vcpuList {
                    w.empty(
                        "vcpu",
                        [
                            ("id", String(v.id)), ("enabled", v.enabled ? "yes" : "no"),
                            ("hotpluggable", v.hotpluggable.map { $0 ? "yes" : "no" }),
                            ("order", v.order.map(String.init)),
                        ])
                }
            }
        }
        if let n = t.iothreads, n > 0 || !t.iothreadIDs.isEmpty {
            w.text("iothreads", String(max(n, t.iothreadIDs.count)))
        }
        if !t.iothreadIDs.isEmpty {
            w.element("iothreadids") { w in
                for id in t.iothreadIDs { w.empty("iothread", [("id", String(id))]) }
            }
        }
        if let c = t.cputune {
            w.element("cputune") { w in
                func value(_ name: String, _ v: (any CustomStringConvertible)?) {
                    if let v { w.text(name, v.description) }
                }
                value("shares", c.shares)
                value("period", c.period)
                value("quota", c.quota)
                value("global_period", c.globalPeriod)
                value("global_quota", c.globalQuota)
                value("emulator_period", c.emulatorPeriod)
                value("emulator_quota", c.emulatorQuota)
                value("iothread_period", c.iothreadPeriod)
                value("iothread_quota", c.iothreadQuota)
                for p in c.vcpupins { w.empty("vcpupin", [("vcpu", String(p.id)), ("cpuset", p.cpuset.description)]) }
                if let e = c.emulatorpin { w.empty("emulatorpin", [("cpuset", e.description)]) }
                for p in c.iothreadpins {
                    w.empty("iothreadpin", [("iothread", String(p.id)), ("cpuset", p.cpuset.description)])
                }
            }
        }
        if let n = t.numatune {
            w.element("numatune") { w in
                if n != DomainTuning.NUMATune() {
                    w.empty(
                        "memory",
                        [
                            ("mode", (n.mode ?? .strict).rawValue),
                            ("placement", n.placement == .auto || n.nodeset == nil ? (n.placement ?? .auto).rawValue : nil),
                            ("nodeset", n.nodeset?.description),
                        ])
                }
            }
        }
    }
}
