/// The host's NUMA cells as `<capabilities><host><topology>` shows them (virt-manager and `virsh freecell --all`
/// read it): memory, page pools, distances and the CPUs of each cell.
public struct HostTopology: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var id: Int
        public var memoryKiB: UInt64
        /// Page size in KiB and how many pages of it the cell has.
        public var pages: [(sizeKiB: UInt64, count: UInt64)]
        /// Distance to each cell, by id; empty when the host does not tell.
        public var distances: [(id: Int, value: Int)]
        public var cpus: [CPU]

        public init(
            id: Int, memoryKiB: UInt64, pages: [(sizeKiB: UInt64, count: UInt64)], distances: [(id: Int, value: Int)],
            cpus: [CPU]
        ) {
            self.id = id
            self.memoryKiB = memoryKiB
            self.pages = pages
            self.distances = distances
            self.cpus = cpus
        }

        public static func == (a: Cell, b: Cell) -> Bool {
            a.id == b.id && a.memoryKiB == b.memoryKiB && a.cpus == b.cpus
                && a.pages.map(\.sizeKiB) == b.pages.map(\.sizeKiB) && a.pages.map(\.count) == b.pages.map(\.count)
                && a.distances.map(\.id) == b.distances.map(\.id) && a.distances.map(\.value) == b.distances.map(\.value)
        }
    }

    public struct CPU: Sendable, Equatable {
        public var id: Int
        public var socket: Int
        public var die: Int
        public var core: Int
        /// The thread siblings list as sysfs writes it ("0", "0-1").
        public var siblings: String
        public init(id: Int, socket: Int, die: Int, core: Int, siblings: String) {
            self.id = id
            self.socket = socket
            self.die = die
            self.core = core
            self.siblings = siblings
        }
    }

    public var cells: [Cell]
    public init(cells: [Cell]) { self.cells = cells }

    /// The `<topology>` element, indented for its place under `<host>`.
    public var xml: String {
        guard !cells.isEmpty else { return "" }
        var x = "    <topology>\n      <cells num='\(cells.count)'>\n"
        for cell in cells {
            x += "        <cell id='\(cell.id)'>\n"
            x += "          <memory unit='KiB'>\(cell.memoryKiB)</memory>\n"
            for page in cell.pages { x += "          <pages unit='KiB' size='\(page.sizeKiB)'>\(page.count)</pages>\n" }
            if !cell.distances.isEmpty {
                x += "          <distances>\n"
                for d in cell.distances { x += "            <sibling id='\(d.id)' value='\(d.value)'/>\n" }
                x += "          </distances>\n"
            }
            x += "          <cpus num='\(cell.cpus.count)'>\n"
            for c in cell.cpus {
                x += "            <cpu id='\(c.id)' socket_id='\(c.socket)' die_id='\(c.die)' core_id='\(c.core)'"
                x += " siblings='\(c.siblings)'/>\n"
            }
            x += "          </cpus>\n        </cell>\n"
        }
        return x + "      </cells>\n    </topology>\n"
    }
}
