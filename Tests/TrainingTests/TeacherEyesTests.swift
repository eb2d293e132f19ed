import Imaging
import NN
import Testing
@testable import Training

/// `--teacher-eyes`: where `CartoonEyes` finds the photo's eyes the target gets skin round a white disc with a
/// dark pupil, the rest as it was; the surrounds and the decoys are weighed.
@Suite struct TeacherEyesTests {
    static let side = 128, plane = 128 * 128
    static let skin = SIMD3<Float>(200, 150, 120)

    static func level(_ rgb: SIMD3<Float>) -> SIMD3<Float> { rgb / 127.5 - 1 }
    static func pixel(_ image: Tensor, _ row: Int, _ column: Int) -> SIMD3<Float> {
        SIMD3((0..<3).map { (image.storage[$0 * plane + row * side + column] + 1) * 127.5 })
    }
    static func gap<V: SIMD>(_ a: V, _ b: V) -> Float where V.Scalar == Float { max((a - b).max(), (b - a).max()) }
    static func near(_ a: SIMD3<Float>, _ b: SIMD3<Float>, within: Float = 2) -> Bool { gap(a, b) <= within }

    /// A skin-coloured photo with dark discs of radius 4 (irises) at `irises` (column, row).
    static func photo(irises: [(Int, Int)]) -> Tensor {
        rgbTensor(side: side) { row, column in
            irises.contains(where: { (column - $0.0) * (column - $0.0) + (row - $0.1) * (row - $0.1) <= 16 })
                ? level(SIMD3(repeating: 40)) : level(skin)
        }
    }

    /// Round each eye: the pupil at its centre, white across the disc, the skin where the teacher had drawn a
    /// dark smudge beside it, and the target as it was away from the eyes; the surround the loss weighs reaches
    /// past the painted eye (over the lids and brow) but not between the eyes.
    @Test func eyesArePaintedOverTheSmudges() {
        let photo = Self.photo(irises: [(38, 36), (90, 36)])
        let smudge = SIMD3<Float>(90, 70, 60)
        let teacher = rgbTensor(side: Self.side) { row, column in
            (33..<40).contains(row) && (20..<56).contains(column) ? Self.level(smudge) : Self.level(Self.skin)
        }
        let (target, weighed) = TeacherEyes.drawn(teacher, photos: photo)
        let radius = CartoonEyes.white * Float(Self.side)
        for x in [38, 90] {
            #expect(Self.near(Self.pixel(target, 36, x), TeacherEyes.pupilLevels))
            #expect(Self.near(Self.pixel(target, 36, x + Int(0.75 * radius)), SIMD3(repeating: 255)))
            #expect(Self.near(Self.pixel(target, 36 - Int(0.75 * radius), x), SIMD3(repeating: 255)))
        }
        #expect(Self.near(Self.pixel(target, 36, 38 - Int(1.2 * radius)), Self.skin))
        #expect(Self.near(Self.pixel(target, 36, 23), Self.pixel(teacher, 36, 23)))
        #expect(Self.pixel(target, 100, 64) == Self.pixel(teacher, 100, 64))
        #expect(weighed[36 * Self.side + 38] == 1 && weighed[36 * Self.side + 23] > 0 && weighed[24 * Self.side + 38] > 0)
        #expect(weighed[36 * Self.side + 64] == 0 && weighed[100 * Self.side + 64] == 0)
    }

    /// Iris-like blobs of the lower face (a nostril, a mouth corner) weigh like the eyes, over a disc the size of
    /// a drawn eye; a fainter blob, one beside the face, and plain skin do not.
    @Test func decoysOnTheLowerFaceAreWeighed() {
        let photo = rgbTensor(side: Self.side) { row, column in
            let d = { (x: Int, y: Int) in (column - x) * (column - x) + (row - y) * (row - y) <= 9 }
            if d(38, 36) || d(90, 36) || d(50, 95) || d(5, 95) { return Self.level(SIMD3(repeating: 40)) }
            if d(80, 95) { return Self.level(SIMD3(repeating: 170)) }   // 10 levels off the skin's grey: not iris-like
            return Self.level(Self.skin)
        }
        let teacher = rgbTensor(side: Self.side) { _, _ in Self.level(Self.skin) }
        let weighed = TeacherEyes.drawn(teacher, photos: photo).weighed
        let reach = Int(CartoonEyes.white * Float(Self.side)) - 1
        #expect(weighed[95 * Self.side + 50] == 1 && weighed[95 * Self.side + 50 + reach] == 1 && weighed[(95 - reach) * Self.side + 50] == 1)
        #expect(weighed[95 * Self.side + 80] == 0 && weighed[95 * Self.side + 5] == 0 && weighed[70 * Self.side + 64] == 0)
    }

    /// A dark blob between the eyes (a glasses bridge) weighs only with `bridge`, over a disc the size of a drawn
    /// eye; the eyes' own weights do not change; the option is refused without the eyes.
    @Test func theBridgeBetweenTheEyesIsWeighedOnRequest() {
        let photo = rgbTensor(side: Self.side) { row, column in
            let d = { (x: Int, y: Int) in (column - x) * (column - x) + (row - y) * (row - y) <= 9 }
            return d(36, 36) || d(92, 36) || d(64, 38) ? Self.level(SIMD3(repeating: 40)) : Self.level(Self.skin)
        }
        let teacher = rgbTensor(side: Self.side) { _, _ in Self.level(Self.skin) }
        let (plain, bridged) = (TeacherEyes.drawn(teacher, photos: photo), TeacherEyes.drawn(teacher, photos: photo, bridge: true))
        #expect(plain.weighed[38 * Self.side + 64] == 0 && bridged.weighed[38 * Self.side + 64] == 1)
        #expect(bridged.weighed[30 * Self.side + 64] == 1 && bridged.weighed[12 * Self.side + 64] == 0)
        #expect(plain.target == bridged.target)
        #expect(plain.weighed[36 * Self.side + 36] == 1 && bridged.weighed[36 * Self.side + 92] == 1)
        #expect(throws: TrainingError.invalidOption("--teacher-eye-bridge needs --teacher-eyes")) {
            try TeacherTarget(eyeBridge: true).validate(hasTeacher: true)
        }
        #expect(TeacherTarget(eyes: true, eyeBridge: true).changes(from: ["teacher_sha256": "x", "teacher_eyes": "true"])
            == ["teacher_eye_bridge true (false in the checkpoint)"])
    }

    /// In the target, the eyes come last and their surrounds weigh the emphasis, like the filled pixels.
    @Test func theTargetDrawsEyesAndWeighsThem() throws {
        let photo = Self.photo(irises: [(38, 36), (90, 36)])
        let teacher = rgbTensor(side: Self.side) { _, _ in Self.level(Self.skin) }
        let made = TeacherTarget(skin: 1, eyes: true, emphasis: 10).made(from: teacher, photos: photo)
        let skinned = TeacherSkin.evened(BlotFill.filled(teacher, photos: photo, spots: false, largestShare: nil), photos: photo, strength: 1)
        #expect(made.target == TeacherEyes.drawn(skinned, photos: photo).target)
        let weights = try #require(made.weights)
        #expect(weights.storage[36 * Self.side + 38] == 10 && weights.storage[2 * Self.plane + 36 * Self.side + 90] == 10)
        #expect(weights.storage[100 * Self.side + 64] == 1)
        #expect(TeacherTarget(eyes: true).metadata["teacher_eyes"] == "true")
        #expect(TeacherTarget(eyes: true).changes(from: ["teacher_sha256": "x"]) == ["teacher_eyes true (false in the checkpoint)"])
    }
}
