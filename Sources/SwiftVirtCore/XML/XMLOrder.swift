/// The order in which a document's elements and attributes are written, per element (named `parent/child`, or
/// just `child` where the name alone is enough). What the model formats is already in that order; `XMLRestore`
/// uses it to put what was kept where the reference writer (libvirt) would have written it, instead of after
/// whatever sibling it happened to follow in the input. Names an order does not list keep their input place.
public struct XMLOrder: Sendable {
    /// Child element names in order, by element.
    public var children: [String: [String]]
    /// Attribute names in order, by element.
    public var attributes: [String: [String]]

    public init(children: [String: [String]], attributes: [String: [String]]) {
        self.children = children
        self.attributes = attributes
    }

    func children(of element: String, in parent: String?) -> [String]? {
        parent.flatMap { children[$0 + "/" + element] } ?? children[element]
    }

    func attributes(of element: String, in parent: String?) -> [String]? {
        parent.flatMap { attributes[$0 + "/" + element] } ?? attributes[element]
    }

    /// `items` stably sorted by `rank`; an item without a rank stays right after the item before it.
    static func sorted<T>(_ items: [T], rank: (T) -> Int?) -> [T] {
        var ranked: [(rank: Int, index: Int, item: T)] = []
        var last = -1
        for (i, item) in items.enumerated() {
            if let r = rank(item) { last = r }
            ranked.append((last, i, item))
        }
        return ranked.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }.map(\.item)
    }
}
