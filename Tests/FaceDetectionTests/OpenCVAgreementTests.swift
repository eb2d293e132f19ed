import FaceDetection
import Foundation
import Imaging
import Testing

/// OpenCV's `detectMultiScale` results on the same photos, written by scripts/fixtures/compare_opencv_faces.py.
struct OpenCVReference: Decodable {
    var opencv: String
    var photos: [String: [String: [[Int]]]]

    static func load() throws -> OpenCVReference {
        try JSONDecoder().decode(OpenCVReference.self, from: Data(contentsOf: FaceFixtures.directory.appendingPathComponent("opencv_faces.json")))
    }
}

@Suite("Agreement with OpenCV's detectMultiScale")
struct OpenCVAgreementTests {
    static let photos = ["grace_hopper", "astronaut", "obama", "obama2", "obama3", "biden", "coffee", "chelsea", "rocket"]

    @Test("the bundled Haar cascade finds the faces OpenCV finds, in the same places", arguments: photos)
    func haar(_ name: String) throws {
        try compare(name, cascade: "haar", detector: try FaceFixtures.detector())
    }

    @Test("the LBP cascade finds the faces OpenCV finds, in the same places", arguments: photos)
    func lbp(_ name: String) throws {
        var detector = try FaceDetector(cascadeXML: try FaceFixtures.text("lbpcascade_frontalface_improved.xml"))
        detector.parameters.maxDetectionPixels = 480 * 360
        try compare(name, cascade: "lbp", detector: detector)
    }

    /// OpenCV's `detectMultiScale` scans upright only, so the comparison does too (the turned scans are
    /// tested in EyeAlignmentTests).
    private func compare(_ name: String, cascade: String, detector: FaceDetector) throws {
        var detector = detector
        detector.parameters.rollAngles = []
        let reference = try #require(try OpenCVReference.load().photos[name]?[cascade]).map { box in
            FaceBox(x: box[0], y: box[1], width: box[2], height: box[3], score: box[4])
        }
        let faces = detector.detect(in: try FaceFixtures.photo(name))
        #expect(faces.count == reference.count, "Swift \(faces), OpenCV \(reference)")
        for expected in reference {
            let best = faces.map { overlap($0, expected) }.max() ?? 0
            #expect(best >= 0.85, "OpenCV's \(expected) vs Swift \(faces)")
        }
    }
}
