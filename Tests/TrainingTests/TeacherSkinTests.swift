import NN
import Testing
@testable import Training

/// `--teacher-skin`: shades of the skin on the face become the flat skin colour; the drawing, other hues and
/// everything off the face stay.
@Suite struct TeacherSkinTests {
    static let side = 64, plane = 64 * 64

    static func level(_ rgb: SIMD3<Float>) -> SIMD3<Float> { rgb / 127.5 - 1 }
    static func pixel(_ image: Tensor, _ row: Int, _ column: Int, batchIndex: Int = 0) -> SIMD3<Float> {
        SIMD3((0..<3).map { image.storage[(batchIndex * 3 + $0) * plane + row * side + column] })
    }
    static func near(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Bool { (a - b).max() < 1e-4 && (b - a).max() < 1e-4 }

    /// A face of one skin colour with a dark circle (the skin at 0.7 of its brightness) under an eye, a brow-dark
    /// line, a grey patch and, above the face, a shadow.
    static func face(skin: SIMD3<Float>) -> Tensor {
        rgbTensor(side: side) { row, column in
            switch (row, column) {
            case (26..<30, 16..<26): level(skin * 0.7)        // dark circle: rows 0.41-0.47
            case (32, 16..<48): level(SIMD3(40, 30, 20))      // outline
            case (36..<40, 40..<48): level(SIMD3(150, 150, 150))
            case (2..<6, 16..<26): level(skin * 0.7)          // off the face (rows 0.03-0.09)
            default: level(skin)
            }
        }
    }

    @Test func shadesOfTheSkinBecomeTheSkinAndTheRestStays() {
        let skin = SIMD3<Float>(220, 170, 130)
        let face = Self.face(skin: skin)
        let even = TeacherSkin.evened(face, photos: face, strength: 1)
        for (row, column) in [(26, 16), (29, 25), (27, 20)] { #expect(Self.near(Self.pixel(even, row, column), Self.level(skin))) }
        for (row, column) in [(32, 20), (37, 44), (3, 20), (50, 50)] {
            #expect(Self.pixel(even, row, column) == Self.pixel(face, row, column))
        }
        let half = TeacherSkin.evened(face, photos: face, strength: 0.5)
        #expect(Self.near(Self.pixel(half, 27, 20), Self.level(skin * 0.85)))
        #expect(TeacherSkin.evened(face, photos: face, strength: 0) == face)
    }

    /// Each image of a batch is evened to its own skin colour.
    @Test func eachImageKeepsItsOwnSkin() {
        let (light, dark) = (SIMD3<Float>(230, 190, 160), SIMD3<Float>(140, 90, 60))
        let batch = Tensor(shape: [2, 3, Self.side, Self.side], storage: Self.face(skin: light).storage + Self.face(skin: dark).storage)
        let even = TeacherSkin.evened(batch, photos: batch, strength: 1)
        #expect(Self.near(Self.pixel(even, 27, 20), Self.level(light)))
        #expect(Self.near(Self.pixel(even, 27, 20, batchIndex: 1), Self.level(dark)))
    }

    /// With the photo's tone, every skin-like pixel shifts by the photo's skin less the drawn one, on the face
    /// and off it (the neck, a shadow above); the face is then evened to the photo's skin; the rest stays.
    @Test func thePhotoToneShiftsAllSkinToThePhotos() {
        let (drawn, photoSkin) = (SIMD3<Float>(220, 170, 130), SIMD3<Float>(210, 160, 150))
        let face = Self.face(skin: drawn)
        let photo = rgbTensor(side: Self.side) { _, _ in Self.level(photoSkin) }
        for strength: Float in [0, 1] {
            let toned = TeacherSkin.evened(face, photos: photo, strength: strength, tone: .photo)
            #expect(Self.near(Self.pixel(toned, 50, 50), Self.level(photoSkin)))   // the face's skin
            #expect(Self.near(Self.pixel(toned, 61, 30), Self.level(photoSkin)))   // the neck, below the face
            #expect(Self.near(Self.pixel(toned, 3, 20), Self.level(drawn * 0.7 + photoSkin - drawn)))   // a shadow off the face
            for (row, column) in [(32, 20), (37, 44)] { #expect(Self.pixel(toned, row, column) == Self.pixel(face, row, column)) }
        }
        let evened = TeacherSkin.evened(face, photos: photo, strength: 1, tone: .photo)
        #expect(Self.near(Self.pixel(evened, 27, 20), Self.level(photoSkin)))   // the dark circle, evened
        #expect(TeacherSkin.evened(face, photos: photo, strength: 1, tone: .teacher) == TeacherSkin.evened(face, photos: face, strength: 1))
    }

    /// A colour is skin-like by hue and brightness: the skin's shades are, lips, white, grey and near-black are not.
    @Test func likenessFollowsHueAndBrightness() {
        let skin = SIMD3<Float>(220, 170, 130)
        #expect(TeacherSkin.likeness(skin, skin: skin) == 1)
        #expect(TeacherSkin.likeness(skin * 0.75, skin: skin) == 1)
        #expect(TeacherSkin.likeness(skin * 0.6, skin: skin) > 0 && TeacherSkin.likeness(skin * 0.6, skin: skin) < 1)
        for other: SIMD3<Float> in [SIMD3(200, 60, 80), SIMD3(245, 245, 245), SIMD3(150, 150, 150), SIMD3(40, 30, 20), SIMD3()] {
            #expect(TeacherSkin.likeness(other, skin: skin) == 0)
        }
    }
}
