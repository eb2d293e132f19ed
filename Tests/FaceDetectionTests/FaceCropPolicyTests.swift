import FaceDetection
import Foundation
import Imaging
import Testing

@Suite("Face crop policy")
struct FaceCropPolicyTests {
    static let face = FaceBox(x: 400, y: 300, width: 200, height: 200, score: 30)

    @Test("the box crop is a square 1.6 times the face, centred on it and raised to show the hair")
    func boxCrop() {
        let crop = FaceCropPolicy.boxRegion(for: Self.face, framing: .standard)
        #expect(crop == RotatedSquare(centreX: 500, centreY: 376, side: 320))
    }

    @Test("a face found turned keeps the box framing in its own frame: raised along its tilt")
    func tiltedBoxCrop() {
        var face = Self.face
        face.angle = .pi / 2
        let crop = FaceCropPolicy.boxRegion(for: face, framing: .standard)
        #expect(abs(crop.centreX - 524) < 1e-9 && abs(crop.centreY - 400) < 1e-9 && crop.angle == .pi / 2)
    }

    @Test("with eyes, the crop puts them exactly on the model's eye targets, whatever the tilt",
          arguments: [0.0, 15, -15, 30, -30])
    func aligned(_ degrees: Double) throws {
        let framing = try FaceFraming(metadata: ["face_eyes": "0.29,0.292,0.678,0.29"])
        let angle = degrees * .pi / 180
        let eyes = EyePoints(leftX: 300, leftY: 200, rightX: 300 + 80 * cos(angle), rightY: 200 + 80 * sin(angle))
        let crop = FaceCropPolicy.crop(face: Self.face, eyes: eyes, framing: framing, imageWidth: 1000, imageHeight: 1000)
        #expect(crop.eyes == eyes && crop.face == Self.face)
        let left = crop.region.squarePoint(x: eyes.leftX, y: eyes.leftY)
        let right = crop.region.squarePoint(x: eyes.rightX, y: eyes.rightY)
        #expect(abs(left.u - 0.29) < 1e-9 && abs(left.v - 0.292) < 1e-9, "\(left)")
        #expect(abs(right.u - 0.678) < 1e-9 && abs(right.v - 0.29) < 1e-9, "\(right)")
    }

    @Test("without eyes the face gets the box crop; without a face, the centre square")
    func decision() {
        #expect(FaceCropPolicy.crop(face: Self.face, eyes: nil, framing: .standard, imageWidth: 1000, imageHeight: 1000)
            == FaceCrop(region: RotatedSquare(centreX: 500, centreY: 376, side: 320), face: Self.face, eyes: nil))
        #expect(FaceCropPolicy.crop(face: nil, eyes: nil, framing: .standard, imageWidth: 1200, imageHeight: 1000)
            == FaceCrop(region: RotatedSquare(centreX: 600, centreY: 500, side: 1000), face: nil, eyes: nil))
    }

    @Test("the largest face is primary; equal sizes go to the one nearest the centre")
    func primary() {
        let small = FaceBox(x: 480, y: 380, width: 40, height: 40, score: 40)
        let large = FaceBox(x: 0, y: 0, width: 120, height: 120, score: 20)
        #expect(FaceCropPolicy.primaryFace([small, large], imageWidth: 1000, imageHeight: 800) == large)
        let corner = FaceBox(x: 0, y: 0, width: 40, height: 40, score: 40)
        #expect(FaceCropPolicy.primaryFace([corner, small], imageWidth: 1000, imageHeight: 800) == small)
        #expect(FaceCropPolicy.primaryFace([small, corner], imageWidth: 1000, imageHeight: 800) == small)
    }

    @Test("a large but weakly supported box loses to a well supported face")
    func weakLargeBox() {
        let face = FaceBox(x: 176, y: 64, width: 98, height: 98, score: 36)
        let falseAlarm = FaceBox(x: 282, y: 123, width: 130, height: 130, score: 5)
        #expect(FaceCropPolicy.primaryFace([falseAlarm, face], imageWidth: 512, imageHeight: 512) == face)
    }

    @Test("no faces, no primary face")
    func none() {
        #expect(FaceCropPolicy.primaryFace([], imageWidth: 10, imageHeight: 10) == nil)
    }
}

@Suite("Face framing metadata")
struct FaceFramingTests {
    @Test("absent keys give CelebA's box framing, and eye targets derived from it")
    func defaults() throws {
        let framing = try FaceFraming(metadata: ["architecture": "resnet"])
        #expect(framing == .standard && !framing.eyesStated)
        #expect(framing.boxSide == 1.6 && framing.boxRaise == 0.12)
        // The derived targets are where the box crop puts the box's typical eyes.
        let box = FaceBox(x: 0, y: 0, width: 100, height: 100, score: 1)
        let region = FaceCropPolicy.boxRegion(for: box, framing: framing)
        let eye = region.squarePoint(x: 100 * FaceFraming.eyesInBox.left, y: 100 * FaceFraming.eyesInBox.y)
        #expect(abs(eye.u - framing.eyes.leftX) < 1e-9 && abs(eye.v - framing.eyes.leftY) < 1e-9)
        #expect(framing.eyes.leftY == framing.eyes.rightY && framing.eyes.leftX < framing.eyes.rightX)
    }

    @Test("stated values are read, and read back")
    func stated() throws {
        let framing = try FaceFraming(metadata: ["face_eyes": "0.29, 0.292,0.678,0.29", "face_box": "1.198,-0.081"])
        #expect(framing.eyesStated)
        #expect(framing.eyes == EyePoints(leftX: 0.29, leftY: 0.292, rightX: 0.678, rightY: 0.29))
        #expect(framing.boxSide == 1.198 && framing.boxRaise == -0.081)
        #expect(framing.metadata == ["face_eyes": "0.2900,0.2920,0.6780,0.2900", "face_box": "1.1980,-0.0810"])
    }

    @Test("a malformed value is an error naming its key", arguments: [
        ("face_eyes", "0.3,0.3,0.7"), ("face_eyes", "0.7,0.3,0.3,0.3"), ("face_eyes", "a,b,c,d"),
        ("face_eyes", "0.3,0.3,1.7,0.3"), ("face_eyes", "0.3,0.3,0.7,nan"), ("face_box", "1.2"),
        ("face_box", "9,0"), ("face_box", "1.2,-0.1,3"), ("face_box", ""),
    ])
    func malformed(_ key: String, _ value: String) {
        #expect {
            try FaceFraming(metadata: [key: value])
        } throws: { error in
            guard let error = error as? FaceFramingError else { return false }
            return error.key == key && error.value == value && error.description.contains("'\(key)'")
        }
    }
}
