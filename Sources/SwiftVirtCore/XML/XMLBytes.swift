/// The UTF-8 an `XMLWriter` writes, in memory it owns: appending is a capacity check and a copy. An array's
/// append also checks uniqueness and goes through generic sequence code per call, which was a fifth of what
/// formatting a domain cost (a domain's XML is some 1,500 appends). Noncopyable, so the memory has one owner.
struct XMLBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 8192) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    /// Forgets everything written from `position` on.
    mutating func truncate(to position: Int) { count = min(count, max(0, position)) }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        (base + count).initialize(from: p, count: n)
        count += n
    }

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let p = buffer.baseAddress else { return }
        append(p, count: buffer.count)
    }

    @inline(__always)
    mutating func append(literal s: StaticString) { append(s.utf8Start, count: s.utf8CodeUnitCount) }

    /// The string's UTF-8 in one copy, straight from its storage (native and small strings both have contiguous
    /// UTF-8).
    mutating func append(_ s: String) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { append($0) }
        if done == nil { Array(s.utf8).withUnsafeBufferPointer { append($0) } }
    }

    mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    /// `n` spaces.
    mutating func appendSpaces(_ n: Int) {
        var n = n
        while n > 0 {
            let k = min(n, Self.spaces.utf8CodeUnitCount)
            append(Self.spaces.utf8Start, count: k)
            n -= k
        }
    }

    private static let spaces: StaticString = "                                                                "

    /// `s` escaped for XML text, or with `quotesAndControls` for a single- or double-quoted attribute value (quotes
    /// and whitespace controls too, which parsers would otherwise normalise). Byte by byte: every byte to escape is
    /// ASCII, and a multi-byte UTF-8 sequence never contains one (a CR LF pair becomes `&#13;&#10;` either way).
    /// Runs that need no escaping (most values are one such run) are copied whole.
    mutating func appendEscaped(_ s: String, quotesAndControls: Bool) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable {
            appendEscaped($0, quotesAndControls: quotesAndControls)
        }
        if done == nil {
            Array(s.utf8).withUnsafeBufferPointer { appendEscaped($0, quotesAndControls: quotesAndControls) }
        }
    }

    private mutating func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, quotesAndControls: Bool) {
        var start = 0
        for i in 0..<text.count {
            let b = text[i]
            if b > 0x3E { continue }  // every byte to escape is below '?'
            guard let entity = Self.entity(b, quotesAndControls: quotesAndControls) else { continue }
            if i > start { append(UnsafeBufferPointer(rebasing: text[start..<i])) }
            append(literal: entity)
            start = i + 1
        }
        if start < text.count { append(UnsafeBufferPointer(rebasing: text[start...])) }
    }

    private static func entity(_ b: UInt8, quotesAndControls: Bool) -> StaticString? {
        switch b {
        case 0x26: "&amp;"
        case 0x3C: "&lt;"
        case 0x3E: "&gt;"
        case 0x27 where quotesAndControls: "&apos;"
        case 0x22 where quotesAndControls: "&quot;"
        case 0x0A where quotesAndControls: "&#10;"
        case 0x09 where quotesAndControls: "&#9;"
        case 0x0D where quotesAndControls: "&#13;"
        default: nil
        }
    }
}
