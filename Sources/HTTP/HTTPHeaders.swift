/// Header fields in arrival order; lookups ignore ASCII case as HTTP field names require.
public struct HTTPHeaders: Sendable, Sequence, Equatable, CustomStringConvertible {
    private var fields: [(name: String, value: String)]

    public init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// The first value for `name`.
    public subscript(name: String) -> String? {
        fields.first { equalsIgnoringCase($0.name, name) }?.value
    }

    public func values(for name: String) -> [String] {
        fields.filter { equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { equalsIgnoringCase($0.name, name) }
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name, value))
    }

    /// Replaces every field named `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name, value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { equalsIgnoringCase($0.name, name) }
    }

    /// Whether a comma-separated list header (`Connection`, `Transfer-Encoding`, ...) holds `token`.
    public func containsToken(_ token: String, in name: String) -> Bool {
        values(for: name).contains { value in
            value.split(separator: ",").contains { equalsIgnoringCase(trimmingWhitespace($0), token) }
        }
    }

    public var count: Int { fields.count }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        fields.makeIterator()
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}

/// ASCII-only case folding: field names and tokens are ASCII, and Unicode folding would accept lookalikes.
func equalsIgnoringCase<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
    let a = a.utf8, b = b.utf8
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { lowercasedASCII($0) == lowercasedASCII($1) }
}

@inline(__always)
func lowercasedASCII(_ byte: UInt8) -> UInt8 {
    byte >= 65 && byte <= 90 ? byte | 0x20 : byte
}

/// Strips optional whitespace (SP and HTAB), the only whitespace HTTP allows around values.
func trimmingWhitespace<S: StringProtocol>(_ text: S) -> Substring {
    let text = Substring(text)
    let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let start = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else {
        return text[text.endIndex...]
    }
    return text[start...last]
}
