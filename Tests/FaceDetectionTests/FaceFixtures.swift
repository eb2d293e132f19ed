import FaceDetection
import Foundation
import Imaging

/// The photos written by scripts/fixtures/make_face_fixtures.py (sources and licences in Fixtures/README.md).
enum FaceFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func photo(_ name: String) throws -> RGBImage {
        try ImageDecoder.decode([UInt8](try Data(contentsOf: directory.appendingPathComponent(name + ".jpg"))))
    }

    /// The detector over the shipped cascades, as the server loads it.
    static func detector() throws -> FaceDetector {
        try FaceDetector.bundled()
    }

    /// The default model's `face_eyes` (UTKFace chips, measured by `cartoonify measure-framing`).
    static let utkFaceEyes = "0.287,0.289,0.678,0.290"

    static func text(_ file: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    }
}

/// Intersection over union of two boxes.
func overlap(_ a: FaceBox, _ b: FaceBox) -> Double { a.overlap(b) }

/// A reproducible pseudo-random byte stream (64-bit LCG, high bits), so synthetic images are the same in every run.
struct SeededBytes {
    var state: UInt64

    mutating func next() -> UInt8 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}
