import Foundation
import FaceDetection
import Imaging
import Kernels
import Parallel
import Testing

/// A test photo and the face in it, boxed by hand (brows or hairline to chin, cheek to cheek) in the
/// fixture's pixels.
struct Portrait: Sendable, CustomTestStringConvertible {
    var name: String
    var face: FaceBox
    var testDescription: String { name }

    init(_ name: String, _ x: Int, _ y: Int, _ width: Int, _ height: Int) {
        self.name = name
        face = FaceBox(x: x, y: y, width: width, height: height, score: 0)
    }
}

let portraits = [
    Portrait("grace_hopper", 165, 120, 180, 185),
    Portrait("astronaut", 187, 62, 85, 99),
    Portrait("obama", 167, 60, 106, 127),
    Portrait("obama2", 93, 120, 114, 142),
    Portrait("obama3", 142, 65, 60, 77),
    Portrait("biden", 97, 50, 63, 82),
]

@Suite("Faces in real photos")
struct PortraitDetectionTests {
    let detector: FaceDetector

    init() throws {
        detector = try FaceFixtures.detector()
    }

    @Test("the primary face is the hand-boxed face", arguments: portraits)
    func findsThePortraitFace(_ portrait: Portrait) throws {
        let photo = try FaceFixtures.photo(portrait.name)
        let faces = detector.detect(in: photo)
        let primary = try #require(FaceCropPolicy.primaryFace(faces, imageWidth: photo.width, imageHeight: photo.height))
        #expect(overlap(primary, portrait.face) >= 0.5, "found \(faces)")
        #expect(primary.score > 10)
        // The crop holds the whole hand-boxed face, and the face fills a fifth of it or more (CelebA: about 28%).
        let crop = FaceCropPolicy.boxRegion(for: primary, framing: .standard)
        let face = portrait.face
        let (x, y) = (crop.centreX - crop.side / 2, crop.centreY - crop.side / 2)
        #expect(x <= Double(face.x) && y <= Double(face.y), "\(crop)")
        #expect(x + crop.side >= Double(face.x + face.width) && y + crop.side >= Double(face.y + face.height), "\(crop)")
        #expect(Double(face.width * face.height * 5) >= crop.side * crop.side, "\(crop)")
    }

    @Test("a large photo is searched on a downscaled copy and answered in its own pixels")
    func largePhotoCoordinates() throws {
        let small = try FaceFixtures.photo("grace_hopper")
        let large = small.resized(width: small.width * 6, height: small.height * 6)
        let smallFace = try #require(detector.detect(in: small).first)
        let largeFace = try #require(detector.detect(in: large).first)
        let scaledBack = FaceBox(x: largeFace.x / 6, y: largeFace.y / 6, width: largeFace.width / 6,
                                 height: largeFace.height / 6, score: 0)
        #expect(overlap(scaledBack, smallFace) >= 0.8, "\(largeFace) at 6x vs \(smallFace)")
        #expect(overlap(scaledBack, portraits[0].face) >= 0.5)
    }

    @Test("the LBP cascade (lbpcascade_frontalface_improved.xml) loads and finds frontal faces too",
          arguments: ["grace_hopper", "astronaut", "obama", "obama2"])
    func lbpCascade(_ name: String) throws {
        var lbp = try FaceDetector(cascadeXML: try FaceFixtures.text("lbpcascade_frontalface_improved.xml"))
        // Its 45-pixel window needs a finer detection image than the Haar cascade's 24.
        lbp.parameters.maxDetectionPixels = 480 * 360
        let photo = try FaceFixtures.photo(name)
        let expected = try #require(portraits.first { $0.name == name }).face
        let faces = lbp.detect(in: photo)
        #expect(faces.contains { overlap($0, expected) >= 0.4 }, "found \(faces)")
    }
}

@Suite("Detection on several threads")
struct ParallelDetectionTests {
    @Test("every thread count finds exactly the faces one thread finds",
          arguments: ["grace_hopper", "astronaut", "obama", "coffee", "chelsea"])
    func threadsDoNotChangeTheResult(_ name: String) throws {
        let photo = try FaceFixtures.photo(name)
        let detector = try FaceFixtures.detector()
        let serial = detector.detect(in: photo)
        for threads in [2, 3, 8] {
            #expect(detector.detect(in: photo, context: ComputeContext(threads: threads)) == serial, "\(threads) threads")
        }
    }
}

@Suite("Skipping what the primary face makes pointless")
struct PrimaryOnlyTests {
    static let photos = ["grace_hopper", "astronaut", "obama", "obama2", "obama3", "biden", "coffee", "chelsea", "rocket"]

    /// The first looks box a face more coarsely than the full scan; the eyes found in either box are the same.
    @Test("primaryOnly picks the same primary face as the full scan, and the same eyes in it, upright and turned",
          arguments: photos)
    func samePrimaryFace(_ name: String) throws {
        let detector = try FaceFixtures.detector()
        let photo = try FaceFixtures.photo(name)
        for image in [photo] + [15.0, -30].map({ Turned(photo, degrees: $0).image }) {
            let full = FaceCropPolicy.primaryFace(detector.detect(in: image), imageWidth: image.width, imageHeight: image.height)
            let skipping = FaceCropPolicy.primaryFace(detector.detect(in: image, primaryOnly: true),
                                                      imageWidth: image.width, imageHeight: image.height)
            #expect((full == nil) == (skipping == nil))
            guard let full, let skipping else { continue }
            #expect(overlap(full, skipping) >= 0.75, "\(skipping) vs \(full)")
            let eyes = (detector.eyes(in: image, face: full), detector.eyes(in: image, face: skipping))
            #expect((eyes.0 == nil) == (eyes.1 == nil))
            if let a = eyes.0, let b = eyes.1 {
                let shift = max(hypot(a.leftX - b.leftX, a.leftY - b.leftY), hypot(a.rightX - b.rightX, a.rightY - b.rightY))
                #expect(shift <= 0.1 * a.distance, "eyes \(b) vs \(a)")
            }
        }
    }

    @Test("in a group photo the small face is skipped, the large one still wins")
    func groupPhoto() throws {
        let detector = try FaceFixtures.detector()
        let large = try FaceFixtures.photo("grace_hopper")
        let small = large.resized(width: 128, height: 128)
        var group = RGBImage(width: 768, height: 512, fill: (128, 128, 128))
        for y in 0..<512 {
            group.pixels.replaceSubrange(y * 768 * 3..<(y * 768 + 512) * 3, with: large.pixels[y * 512 * 3..<(y + 1) * 512 * 3])
        }
        for y in 0..<128 {
            let row = (y + 192) * 768 + 600
            group.pixels.replaceSubrange(row * 3..<(row + 128) * 3, with: small.pixels[y * 128 * 3..<(y + 1) * 128 * 3])
        }
        let full = detector.detect(in: group), skipping = detector.detect(in: group, primaryOnly: true)
        #expect(full.contains { $0.x > 600 })
        #expect(!skipping.contains { $0.x > 600 })
        let primary = try #require(FaceCropPolicy.primaryFace(full, imageWidth: 768, imageHeight: 512))
        #expect(try overlap(#require(FaceCropPolicy.primaryFace(skipping, imageWidth: 768, imageHeight: 512)), primary) >= 0.75)
    }
}

@Suite("Detection on every instruction-set path")
struct KernelPathDetectionTests {
    @Test("every path this CPU runs finds the same faces and eyes as the portable one",
          arguments: ["grace_hopper", "obama3", "biden", "chelsea"])
    func samePathResults(_ name: String) throws {
        var detector = try FaceFixtures.detector()
        let photo = try FaceFixtures.photo(name)
        let turned = Turned(photo, degrees: 30).image
        /// The faces and each face's eyes, upright and turned.
        func results() -> (faces: [[FaceBox]], eyes: [[EyePoints?]]) {
            let faces = [photo, turned].map { detector.detect(in: $0) }
            return (faces, zip([photo, turned], faces).map { image, found in found.map { detector.eyes(in: image, face: $0) } })
        }
        detector.kernels = .portable
        let portable = results()
        #expect(!portable.faces[0].isEmpty || name == "chelsea")
        for path in KernelPath.supported where path != .portable {
            detector.kernels = path
            let other = results()
            #expect(other.faces == portable.faces && other.eyes == portable.eyes, "\(path)")
        }
    }
}
