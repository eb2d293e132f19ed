import NN
import Testing
@testable import Training

@Suite struct BlotFillTests {
    /// A white blot on flat skin, over a darker photo, takes the skin's colour; skin within the margin, and an
    /// image without blots, stay exactly as drawn.
    @Test func blotsTakeTheColourAroundThem() {
        let skin: [Float] = [0.5, 0.1, -0.1]   // 0.40 lighter than the photo in grey: within the margin
        let (side, plane) = (8, 64)
        var cartoon = [Float](), photo = [Float](repeating: -0.2, count: 2 * 3 * plane)
        for image in 0..<2 {
            for channel in 0..<3 {
                for i in 0..<plane {
                    let inBlot = image == 0 && (1...2).contains(i / side) && (2...4).contains(i % side)
                    cartoon.append(inBlot ? 1 : skin[channel])
                }
            }
        }
        photo[5] = 0.9   // a light photo pixel under skin: darker, never a blot
        let drawn = Tensor(shape: [2, 3, side, side], storage: cartoon)
        let filled = BlotFill.filled(drawn, photos: Tensor(shape: drawn.shape, storage: photo))
        for image in 0..<2 {
            for channel in 0..<3 {
                for i in 0..<plane {
                    #expect(abs(filled.storage[(image * 3 + channel) * plane + i] - skin[channel]) < 1e-6)
                }
            }
        }
        #expect(Array(filled.storage[(3 * plane)...]) == Array(drawn.storage[(3 * plane)...]))
    }

    /// Near-white on lit skin is a blot even within 60 levels of the photo, but not in the mouth, where the
    /// cartoons draw teeth white.
    @Test func whiteOnLitSkinIsABlotOutsideTheMouth() {
        let side = 20, plane = 400
        let photo: [Float] = [0.8, 0.5, 0.3], skin: [Float] = [0.7, 0.4, 0.2]   // white is 0.33 lighter in grey
        func white(_ i: Int) -> Bool {
            let (row, column) = (i / side, i % side)
            return (2...3).contains(row) && (2...3).contains(column) || (15...16).contains(row) && (8...9).contains(column)
        }
        let drawn = Tensor(shape: [1, 3, side, side], storage: (0..<(3 * plane)).map { white($0 % plane) ? 0.9 : skin[$0 / plane] })
        let filled = BlotFill.filled(drawn, photos: Tensor(shape: drawn.shape, storage: (0..<(3 * plane)).map { photo[$0 / plane] }))
        for i in 0..<(3 * plane) {
            let mouth = i % plane / side >= 12
            #expect(abs(filled.storage[i] - (mouth ? drawn.storage[i] : skin[i / plane])) < 1e-6)
        }
    }

    @Test func dilationGrowsOnePixelEveryWayWithinTheImage() {
        var mask = [Bool](repeating: false, count: 12)   // 4 x 3
        mask[0] = true
        mask[6] = true   // (2, 1)
        let grown = BlotFill.dilated(mask, width: 4, height: 3)
        #expect(grown == [true, true, true, true,
                          true, true, true, true,
                          false, true, true, true])
    }

    /// An image that is blot from edge to edge has nothing to fill from, and stays as drawn.
    @Test func allBlotStaysAsDrawn() {
        let white = Tensor(shape: [1, 3, 4, 4], storage: [Float](repeating: 1, count: 48))
        let black = Tensor(shape: [1, 3, 4, 4], storage: [Float](repeating: -1, count: 48))
        #expect(BlotFill.filled(white, photos: black) == white)
    }

    /// With spots on, a red dot on the cheek (not light enough to be a blot) takes the skin's colour too.
    @Test func spotsAreFilledWhenAsked() {
        let plane = 1024
        let skin = SIMD3<Float>(0.5, 0.1, -0.1), red = SIMD3<Float>(0.8, -0.1, -0.2)   // red-minus-green 115 levels, skin 51
        let drawn = rgbTensor(side: 32) { row, column in (14..<16).contains(row) && (10..<12).contains(column) ? red : skin }
        let photos = rgbTensor(side: 32) { _, _ in skin }
        #expect(BlotFill.filled(drawn, photos: photos) == drawn)
        let filled = BlotFill.filled(drawn, photos: photos, spots: true)
        #expect((0..<(3 * plane)).allSatisfy { abs(filled.storage[$0] - skin[$0 / plane]) < 1e-6 })
    }

    /// With a limit, a light patch over that share of the image (a hand drawn lighter than the photo) stays as
    /// drawn while a small blot beside it is filled; without one, both are filled.
    @Test func largePatchesStayUnderALimit() {
        let plane = 1024
        let skin = SIMD3<Float>(0.2, -0.1, -0.3), white = SIMD3<Float>(1, 1, 1)
        func large(_ row: Int, _ column: Int) -> Bool { (2..<14).contains(row) && (2..<14).contains(column) }   // 144 px, 14%
        func small(_ row: Int, _ column: Int) -> Bool { (4..<6).contains(row) && (24..<26).contains(column) }  // 4 px
        let drawn = rgbTensor(side: 32) { row, column in large(row, column) || small(row, column) ? white : skin }
        let photos = rgbTensor(side: 32) { _, _ in skin }
        let limited = BlotFill.filled(drawn, photos: photos, largestShare: 0.05)
        for i in 0..<(3 * plane) {
            let (row, column) = (i % plane / 32, i % 32)
            #expect(limited.storage[i] == (large(row, column) ? drawn.storage[i] : skin[i / plane]))
        }
        let unlimited = BlotFill.filled(drawn, photos: photos)
        #expect((0..<(3 * plane)).allSatisfy { abs(unlimited.storage[$0] - skin[$0 / plane]) < 1e-6 })
    }
}
