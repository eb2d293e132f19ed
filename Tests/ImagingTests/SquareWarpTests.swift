import Foundation
import Imaging
import Testing

@Suite struct SquareWarpTests {
    /// Every sample lands on a pixel centre: the planar conversion, up to float rounding of the scale.
    @Test func theSquareItselfAtItsOwnSizeIsThePlanarConversion() {
        let image = TestImages.noise(width: 40, height: 40, seed: 1)
        let warped = image.warpedPlanarFloats(RotatedSquare(centreX: 20, centreY: 20, side: 40), size: 40)
        #expect(zip(warped, image.planarFloats()).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// A 4x shrink averages 2 x 2 bilinear samples per output pixel, each the mean of a 2 x 2 block:
    /// exactly the 4 x 4 block's mean, as an area filter gives. A checkerboard of single pixels thus comes
    /// out flat grey, not aliased.
    @Test func shrinkingAveragesTheFootprint() {
        let board = TestImages.checkerboard(width: 64, height: 64)
        let warped = board.warpedPlanarFloats(RotatedSquare(centreX: 32, centreY: 32, side: 64), size: 16)
        #expect(warped.allSatisfy { abs($0) < 1e-5 }, "\(warped.prefix(8))")
    }

    @Test func aQuarterTurnTransposesAndMirrors() {
        let image = TestImages.noise(width: 9, height: 9, seed: 2)
        let warped = image.warpedPlanarFloats(RotatedSquare(centreX: 4.5, centreY: 4.5, side: 9, angle: .pi / 2), size: 9)
        let planes = image.planarFloats()
        // The square's x axis points down the photo, its y axis to the left: output (u, v) is photo (8 - v, u).
        for c in 0..<3 {
            for v in 0..<9 {
                for u in 0..<9 {
                    #expect(abs(warped[c * 81 + v * 9 + u] - planes[c * 81 + u * 9 + (8 - v)]) < 1e-4)
                }
            }
        }
    }

    @Test func outsideThePhotoTheEdgePixelsRepeat() throws {
        let image = try #require(RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255]))
        let warped = image.warpedPlanarFloats(RotatedSquare(centreX: 1, centreY: 0.5, side: 8), size: 8)
        // Row 0: four columns left of the centre are black (-1), four right are white (+1).
        #expect(Array(warped[0..<8]) == [-1, -1, -1, -1, 1, 1, 1, 1])
    }

    @Test func photoAndSquarePointsAreInverse() {
        let square = RotatedSquare(centreX: 100, centreY: 50, side: 80, angle: 0.4)
        let p = square.photoPoint(u: 0.3, v: 0.8)
        let back = square.squarePoint(x: p.x, y: p.y)
        #expect(abs(back.u - 0.3) < 1e-12 && abs(back.v - 0.8) < 1e-12)
        let centre = square.photoPoint(u: 0.5, v: 0.5)
        #expect(abs(centre.x - 100) < 1e-12 && abs(centre.y - 50) < 1e-12)
    }
}
