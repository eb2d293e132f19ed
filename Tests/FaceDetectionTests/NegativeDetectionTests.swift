import FaceDetection
import Foundation
import Imaging
import Testing

@Suite("No faces where there are none")
struct NegativeDetectionTests {
    let detector: FaceDetector

    init() throws {
        detector = try FaceFixtures.detector()
    }

    @Test("face-free photos: a coffee cup, a cat, a rocket launch", arguments: ["coffee", "chelsea", "rocket"])
    func faceFreePhotos(_ name: String) throws {
        let faces = detector.detect(in: try FaceFixtures.photo(name))
        #expect(faces.isEmpty, "found \(faces)")
    }

    @Test("a checkerboard", arguments: [4, 13, 40])
    func checkerboard(_ square: Int) {
        let image = synthetic(width: 640, height: 480) { x, y in
            let on = (x / square + y / square) % 2 == 0
            return on ? (235, 235, 235) : (20, 20, 20)
        }
        #expect(detector.detect(in: image).isEmpty)
    }

    @Test("uniform noise")
    func noise() {
        var random = SeededBytes(state: 42)
        let image = synthetic(width: 800, height: 600) { _, _ in (random.next(), random.next(), random.next()) }
        #expect(detector.detect(in: image).isEmpty)
    }

    @Test("a synthetic landscape: sky gradient, rolling hills, textured grass")
    func landscape() {
        var random = SeededBytes(state: 7)
        let image = synthetic(width: 1024, height: 683) { x, y in
            let column = Double(x)
            let ridge: Double = 380 + 60 * sin(column / 97) + 25 * sin(column / 23 + 1)
            if Double(y) < ridge {
                let t = Double(y) / ridge
                return (UInt8(90 + 100 * t), UInt8(140 + 80 * t), 235)
            }
            let grain = Int(random.next() % 40)
            return (UInt8(40 + grain), UInt8(110 + grain), UInt8(30 + grain / 2))
        }
        #expect(detector.detect(in: image).isEmpty)
    }

    @Test("flat and tiny images", arguments: [(1, 1), (23, 40), (300, 200)])
    func flat(_ size: (Int, Int)) {
        #expect(detector.detect(in: RGBImage(width: size.0, height: size.1, fill: (128, 100, 90))).isEmpty)
    }

    private func synthetic(width: Int, height: Int, _ colour: (Int, Int) -> (UInt8, UInt8, UInt8)) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = colour(x, y)
                let i = (y * width + x) * 3
                image.pixels[i] = r
                image.pixels[i + 1] = g
                image.pixels[i + 2] = b
            }
        }
        return image
    }
}
