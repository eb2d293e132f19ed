import Foundation

/// A decoded JSON document (the YAML files arrive as JSON from `lint_deploy.sh`). Lookups return nil
/// instead of trapping so a missing key fails one `#require`, not the whole test process.
enum JSON: Sendable, Equatable, Decodable {
    case object([String: JSON])
    case array([JSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    init(data: Data) throws {
        self = try JSONDecoder().decode(JSON.self, from: data)
    }

    subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    var object: [String: JSON]? {
        if case .object(let members) = self { members } else { nil }
    }

    var array: [JSON]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    var bool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// Whole numbers only; YAML scalars like `"2"` stay strings and are converted by the caller.
    var int: Int? {
        if case .number(let value) = self, let exact = Int(exactly: value) { exact } else { nil }
    }

    /// String values of a flat object (label sets, selectors).
    var stringMap: [String: String]? {
        object?.compactMapValues(\.string)
    }
}
