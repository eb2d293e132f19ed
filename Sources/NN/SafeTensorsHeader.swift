import Foundation

/// The JSON header of a safetensors file as written on disk, before validation.
struct SafeTensorsHeader: Decodable {
    struct Entry: Decodable {
        let dtype: String
        let shape: [Int]
        let dataOffsets: [Int]

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    var entries: [String: Entry] = [:]
    var metadata: [String: String] = [:]

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries[key.stringValue] = try container.decode(Entry.self, forKey: key)
            }
        }
    }

    /// Element types this engine reads, with their sizes in bytes.
    static let dtypeSizes = ["F32": 4, "F16": 2, "BF16": 2]

    /// Serialises names sorted, metadata first, padded with spaces so the data starts 8-byte aligned.
    static func encode(entries: [(name: String, shape: [Int], begin: Int, end: Int)], metadata: [String: String]) -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        for entry in entries {
            let shape = entry.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(entry.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(entry.begin),\(entry.end)]}")
        }
        var bytes = Array("{\(parts.joined(separator: ","))}".utf8)
        while (bytes.count + 8) % 8 != 0 { bytes.append(0x20) }
        return bytes
    }

    /// A JSON string literal (Foundation's escaping), for the hand-ordered header above.
    static func jsonString(_ value: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // Encoding a String cannot fail; the fallback only satisfies the type checker.
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
