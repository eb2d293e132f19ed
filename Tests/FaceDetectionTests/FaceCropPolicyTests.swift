import FaceDetection
import Testing

@Suite("Face crop policy")
struct FaceCropPolicyTests {
    @Test("the crop is a square 1.6 times the face, centred on it and raised to show the hair")
    func cropBox() {
        let face = FaceBox(x: 400, y: 300, width: 200, height: 200, score: 30)
        let crop = FaceCropPolicy.cropBox(for: face, imageWidth: 1000, imageHeight: 1000)
        #expect(crop == SquareBox(x: 340, y: 216, side: 320))
        // It contains the face with room to spare above (hair) and below (chin, neck).
        #expect(crop.x < face.x && crop.x + crop.side > face.x + face.width)
        #expect(face.y - crop.y > crop.y + crop.side - (face.y + face.height))
    }

    @Test("near a border the crop keeps its framing and reaches outside the image (padded later)")
    func cropAtBorder() {
        let face = FaceBox(x: 0, y: 10, width: 100, height: 100, score: 30)
        let crop = FaceCropPolicy.cropBox(for: face, imageWidth: 400, imageHeight: 300)
        #expect(crop == SquareBox(x: -30, y: -32, side: 160))
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

    @Test("crop=face frames the primary face, or falls back to the centre square and says no face was found")
    func decision() {
        let face = FaceBox(x: 400, y: 300, width: 200, height: 200, score: 30)
        #expect(FaceCropPolicy.crop(faces: [face], imageWidth: 1000, imageHeight: 1000)
            == FaceCrop(box: SquareBox(x: 340, y: 216, side: 320), face: face))
        #expect(FaceCropPolicy.crop(faces: [], imageWidth: 1200, imageHeight: 1000)
            == FaceCrop(box: SquareBox(x: 100, y: 0, side: 1000), face: nil))
    }

    @Test("the centre crop is the largest centred square", arguments: [
        (4000, 3000, SquareBox(x: 500, y: 0, side: 3000)),
        (300, 301, SquareBox(x: 0, y: 0, side: 300)),
        (1, 1, SquareBox(x: 0, y: 0, side: 1)),
    ])
    func centre(_ width: Int, _ height: Int, _ expected: SquareBox) {
        #expect(FaceCropPolicy.centerBox(imageWidth: width, imageHeight: height) == expected)
    }
}
