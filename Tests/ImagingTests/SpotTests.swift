import Imaging
import Testing

/// `Spot`: small red or blue patches on the face that the photo does not have. In a 40 px image the face box is
/// rows and columns 8..<34 x 8..<32, the eyes rows 4..<14, the mouth rows 24..<38, and a spot at most 29 pixels.
@Suite struct SpotTests {
    static let side = 40
    static let skin = SIMD3<Float>(200, 150, 120), red = SIMD3<Float>(230, 120, 110), blue = SIMD3<Float>(90, 100, 140)

    /// The mask of a cartoon that is `skin` except where `paint` says otherwise, over a photo of plain skin
    /// (or `photo`'s colour where it gives one).
    static func mask(photo: (Int, Int) -> SIMD3<Float>? = { _, _ in nil }, paint: (Int, Int) -> SIMD3<Float>?) -> [Bool] {
        Spot.mask(width: side, height: side, cartoon: { paint($0 / side, $0 % side) ?? skin },
                  photo: { photo($0 / side, $0 % side) ?? skin })
    }

    static func marked(_ mask: [Bool]) -> Set<Int> { Set(mask.indices.filter { mask[$0] }) }
    static func pixels(_ rows: Range<Int>, _ columns: Range<Int>) -> Set<Int> {
        Set(rows.flatMap { row in columns.map { row * side + $0 } })
    }

    @Test func redAndBlueDotsOnTheCheekAreSpots() {
        #expect(Spot.isCandidate(cartoon: Self.red, photo: Self.skin))
        #expect(Spot.isCandidate(cartoon: Self.blue, photo: Self.skin))
        #expect(!Spot.isCandidate(cartoon: Self.skin + 10, photo: Self.skin))
        let dots = Self.mask { row, column in
            (16..<19).contains(row) && (12..<15).contains(column) ? Self.red
                : (20..<22).contains(row) && (26..<28).contains(column) ? Self.blue : nil
        }
        #expect(Self.marked(dots) == Self.pixels(16..<19, 12..<15).union(Self.pixels(20..<22, 26..<28)))
        #expect(Self.marked(Self.mask { _, _ in nil }).isEmpty)
    }

    /// A spot's light core, enclosed by its red rim, is part of it.
    @Test func aRimTakesItsCore() {
        let ringed = Self.mask { row, column in
            guard (15..<20).contains(row), (20..<25).contains(column) else { return nil }
            return (16..<19).contains(row) && (21..<24).contains(column) ? SIMD3(255, 255, 255) : Self.red
        }
        #expect(Self.marked(ringed) == Self.pixels(15..<20, 20..<25))
    }

    /// Not spots: red in an eye box or the mouth, a patch larger than a spot, and red the photo has too (lips).
    @Test func eyesMouthLargePatchesAndThePhotosOwnColourAreNot() {
        #expect(Self.marked(Self.mask { row, column in (9..<12).contains(row) && (9..<12).contains(column) ? Self.red : nil }).isEmpty)
        #expect(Self.marked(Self.mask { row, column in (26..<29).contains(row) && (18..<21).contains(column) ? Self.red : nil }).isEmpty)
        #expect(Self.marked(Self.mask { row, column in (14..<20).contains(row) && (24..<30).contains(column) ? Self.red : nil }).isEmpty)
        let lips = Self.mask(photo: { _, _ in SIMD3(200, 100, 100) }) { row, column in
            (16..<19).contains(row) && (12..<15).contains(column) ? Self.red : nil
        }
        #expect(Self.marked(lips).isEmpty)
    }

    /// `Blot.mask` adds spots to blots only when asked.
    @Test func blotMaskAddsSpotsOnRequest() {
        let cartoon = { (i: Int) in (16..<19).contains(i / Self.side) && (12..<15).contains(i % Self.side) ? Self.red : Self.skin }
        let without = Blot.mask(width: Self.side, height: Self.side, spots: false, cartoon: cartoon, photo: { _ in Self.skin })
        let with = Blot.mask(width: Self.side, height: Self.side, spots: true, cartoon: cartoon, photo: { _ in Self.skin })
        #expect(Self.marked(without).isEmpty)
        #expect(Self.marked(with) == Self.pixels(16..<19, 12..<15))
    }
}
