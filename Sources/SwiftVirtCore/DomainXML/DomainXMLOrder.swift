/// Where libvirt 9.0 writes each element and attribute of a domain definition (the order of its formatter, which
/// is not the schema's: the schema interleaves). Used to put kept configuration back where libvirtd would print
/// it, so that a definition reads the same from either daemon.
enum DomainXMLOrder {
    /// Every device ends with these (libvirt's device info), in this order.
    private static let deviceInfo = ["boot", "alias", "master", "rom", "acpi", "address"]

    static let order = XMLOrder(
        children: [
            "domain": [
                "name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory", "currentMemory",
                "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads", "iothreadids",
                "defaultiothread", "cputune", "numatune", "resource", "sysinfo", "bootloader", "bootloader_args", "os",
                "idmap", "features", "cpu", "clock", "on_poweroff", "on_reboot", "on_crash", "on_lockfailure", "pm",
                "perf", "devices", "seclabel", "keywrap", "launchSecurity",
            ],
            "os": [
                "type", "firmware", "init", "initarg", "initenv", "initdir", "inituser", "initgroup", "loader", "nvram",
                "kernel", "initrd", "cmdline", "dtb", "root", "acpi", "boot", "bootmenu", "bios", "smbios",
            ],
            "features": [
                "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock", "capabilities",
                "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm", "nested-hv", "msrs", "ccf-assist",
                "xen", "cfpc", "sbbc", "ibs", "tcg",
            ],
            "hyperv": [
                "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer", "reset", "vendor_id",
                "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic",
            ],
            "kvm": ["hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring"],
            "cpu": [
                "model", "vendor", "microcode", "signature", "counter", "topology", "cache", "maxphysaddr", "feature",
                "numa",
            ],
            "memtune": ["hard_limit", "soft_limit", "min_guarantee", "swap_hard_limit"],
            "memoryBacking": ["hugepages", "nosharepages", "locked", "source", "access", "allocation", "discard"],
            "cputune": [
                "shares", "period", "quota", "global_period", "global_quota", "emulator_period", "emulator_quota",
                "iothread_period", "iothread_quota", "vcpupin", "emulatorpin", "iothreadpin", "vcpusched",
                "iothreadsched", "emulatorsched", "cachetune", "memorytune",
            ],
            "numatune": ["memory", "memnode"],
            "sysinfo": ["bios", "system", "baseBoard", "chassis", "oemStrings", "entry"],
            "pm": ["suspend-to-mem", "suspend-to-disk"],
            "devices": [
                "emulator", "disk", "controller", "lease", "filesystem", "interface", "smartcard", "serial",
                "parallel", "console", "channel", "input", "tpm", "graphics", "sound", "audio", "video", "hostdev",
                "redirdev", "redirfilter", "hub", "watchdog", "memballoon", "rng", "nvram", "panic", "shmem",
                "memory", "iommu", "vsock",
            ],
            "disk": [
                "driver", "auth", "source", "backingStore", "backenddomain", "geometry", "blockio", "mirror",
                "target", "iotune", "readonly", "shareable", "transient", "serial", "wwn", "vendor", "product",
                "encryption",
            ] + deviceInfo,
            "interface": [
                "mac", "source", "local", "vlan", "virtualport", "bandwidth", "port", "ip", "route", "portForward",
                "script", "downscript", "backenddomain", "target", "guest", "model", "driver", "backend", "filterref",
                "tune", "teaming", "link", "mtu", "coalesce",
            ] + deviceInfo,
            "filesystem": [
                "driver", "binary", "source", "target", "idmap", "readonly", "space_hard_limit", "space_soft_limit",
            ] + deviceInfo,
            "hostdev": ["source", "driver", "readonly", "shareable"] + deviceInfo,
            "memballoon": ["stats", "driver"] + deviceInfo,
            "rng": ["rate", "backend", "driver"] + deviceInfo,
            "watchdog": deviceInfo,
            "tpm": ["backend"] + deviceInfo,
            "shmem": ["model", "size", "server", "msi"] + deviceInfo,
            "memory": ["source", "target"] + deviceInfo,
            "vsock": ["cid", "driver"] + deviceInfo,
            "iommu": ["driver"] + deviceInfo,
            "input": ["source", "driver"] + deviceInfo,
            "sound": ["codec", "audio"] + deviceInfo,
            "video": ["driver", "model"] + deviceInfo,
            "serial": ["source", "protocol", "log", "target"] + deviceInfo,
            "console": ["source", "protocol", "log", "target"] + deviceInfo,
            "channel": ["source", "protocol", "log", "target"] + deviceInfo,
            "parallel": ["source", "protocol", "log", "target"] + deviceInfo,
            "smartcard": ["certificate", "database", "source", "protocol"] + deviceInfo,
            "redirdev": ["source", "protocol"] + deviceInfo,
            "hub": deviceInfo,
            "panic": deviceInfo,
            "nvram": deviceInfo,
        ],
        attributes: [
            "domain": ["type", "id"],
            "vcpu": ["placement", "cpuset", "current"],
            "domain/cpu": ["mode", "match", "check", "migratable"],
            "clock": ["offset", "adjustment", "basis", "adjustment0", "timezone", "start"],
            "timer": ["name", "present", "tickpolicy", "track", "frequency", "mode"],
            "disk": ["type", "device", "model", "rawio", "sgio", "snapshot"],
            "disk/driver": [
                "name", "type", "cache", "error_policy", "rerror_policy", "io", "ioeventfd", "event_idx",
                "copy_on_read", "discard", "iothread", "detect_zeroes", "queues", "queue_size",
            ],
            "disk/source": [
                "protocol", "name", "query", "tls", "tlsHostname", "file", "fdgroup", "dev", "dir", "pool", "volume",
                "mode", "startupPolicy", "index",
            ],
            "disk/target": ["dev", "bus", "tray", "removable", "rotation_rate"],
            "interface": ["type", "managed", "trustGuestRxFilters"],
            "interface/driver": [
                "name", "txmode", "ioeventfd", "event_idx", "queues", "rx_queue_size", "tx_queue_size", "rss",
                "rss_hash_report", "iommu", "ats", "packed", "page_per_vq",
            ],
            "video/model": ["type", "ram", "vram", "vram64", "vgamem", "heads", "primary"],
            "rate": ["bytes", "period"],
            "memballoon": ["model", "autodeflate", "freePageReporting"],
            "input": ["type", "bus", "model"],
            "channel/target": ["type", "address", "port", "name", "state"],
            "filesystem": ["type", "accessmode", "model", "multidevs", "fmode", "dmode"],
            "hostdev": ["mode", "type", "managed", "sgio", "rawio", "model", "display", "ramfb"],
        ])
}
