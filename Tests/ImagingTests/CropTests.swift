import Imaging
import Testing

@Suite struct CropTests {
    /// Pixel (x, y) of a test image holds (x, y, 7), so any crop can be checked coordinate by coordinate.
    static func coordinates(width: Int, height: Int) -> RGBImage {
        RGBImage(width: width, height: height, pixels: (0..<width * height).flatMap { [UInt8($0 % width), UInt8($0 / width), 7] })!
    }

    static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        Array(image.pixels[(y * image.width + x) * 3..<(y * image.width + x) * 3 + 3])
    }

    @Test func centerSquare() {
        let landscape = Self.coordinates(width: 10, height: 4).centerSquareCrop()
        #expect(landscape.width == 4 && landscape.height == 4)
        #expect(Self.pixel(landscape, 0, 0) == [3, 0, 7])
        let portrait = Self.coordinates(width: 5, height: 9).centerSquareCrop()
        #expect(portrait.width == 5 && portrait.height == 5)
        #expect(Self.pixel(portrait, 0, 0) == [0, 2, 7])
        let square = Self.coordinates(width: 6, height: 6)
        #expect(square.centerSquareCrop() == square)
    }

    @Test func insideCropCopiesTheBox() {
        let crop = Self.coordinates(width: 20, height: 10).cropped(x: 3, y: 2, width: 5, height: 4)
        for y in 0..<4 {
            for x in 0..<5 { #expect(Self.pixel(crop, x, y) == [UInt8(x + 3), UInt8(y + 2), 7]) }
        }
    }

    @Test(arguments: [(-3, -2, 12, 9), (4, 5, 10, 10), (-50, 3, 5, 5), (30, -40, 3, 2), (-1, -1, 8, 6)])
    func outsidePixelsReplicateTheNearestEdge(box: (Int, Int, Int, Int)) {
        let (width, height) = (6, 4)
        let crop = Self.coordinates(width: width, height: height).cropped(x: box.0, y: box.1, width: box.2, height: box.3)
        #expect(crop.width == box.2 && crop.height == box.3)
        for y in 0..<box.3 {
            for x in 0..<box.2 {
                let sourceX = min(max(box.0 + x, 0), width - 1), sourceY = min(max(box.1 + y, 0), height - 1)
                #expect(Self.pixel(crop, x, y) == [UInt8(sourceX), UInt8(sourceY), 7])
            }
        }
    }
}
