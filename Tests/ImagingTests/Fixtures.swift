import Foundation
import Imaging
import Testing

/// Fixture files written by scripts/fixtures/make_image_fixtures.py, and the manifest that describes them.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func image(raw name: String, width: Int, height: Int) throws -> RGBImage {
        guard let image = RGBImage(width: width, height: height, pixels: try bytes(name)) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return image
    }

    struct Decode: Codable, Sendable, CustomTestStringConvertible {
        var file, reference, note: String
        var width, height, tolerance: Int
        var testDescription: String { "\(file) (\(note))" }
    }

    struct Failure: Codable, Sendable, CustomTestStringConvertible {
        var file, expect: String
        /// For "corrupt": a word the decoder's message must contain.
        var message: String?
        var width, height: Int?
        var testDescription: String { "\(file) -> \(expect)" }
    }

    struct Resize: Codable, Sendable, CustomTestStringConvertible {
        var reference: String
        var width, height, tolerance: Int
        var testDescription: String { reference }
    }

    struct Source: Codable, Sendable {
        var file: String
        var width, height: Int
    }

    struct Manifest: Codable, Sendable {
        var decode: [Decode]
        var errors: [Failure]
        var resize: [Resize]
        var resizeSource: Source
    }

    /// Loaded once for the parameterised tests' arguments; an unreadable manifest yields no cases, which
    /// `manifestIsComplete` then reports.
    static let manifest: Manifest? = try? JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
}

/// Largest absolute difference between corresponding samples; Int.max when the sizes differ.
func maxDifference(_ a: RGBImage, _ b: RGBImage) -> Int {
    guard a.width == b.width, a.height == b.height else { return .max }
    return zip(a.pixels, b.pixels).reduce(0) { max($0, abs(Int($1.0) - Int($1.1))) }
}
