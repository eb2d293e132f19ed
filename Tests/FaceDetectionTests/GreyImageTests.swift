@testable import FaceDetection
import Imaging
import Kernels
import Testing

@Suite("Grey conversion and shrinking")
struct GreyImageTests {
    @Test("small images are converted without resampling, with BT.601 luma")
    func luma() throws {
        let image = try #require(RGBImage(width: 3, height: 1, pixels: [255, 0, 0, 0, 255, 0, 10, 20, 30]))
        let grey = GreyImage(areaAveraging: image, maxPixels: 320 * 240)
        #expect(grey.width == 3 && grey.height == 1)
        #expect(grey.pixels == [76, 150, 18])   // 0.299*255, 0.587*255, 0.299*10 + 0.587*20 + 0.114*30
    }

    @Test("an integer shrink averages whole blocks")
    func blocks() throws {
        // 4x2 grey image -> 2x1: each output pixel is the mean of a 2x2 block.
        let values: [UInt8] = [0, 100, 200, 40, 20, 80, 60, 100]
        let image = try #require(RGBImage(width: 4, height: 2, pixels: values.flatMap { [$0, $0, $0] }))
        let grey = GreyImage(areaAveraging: image, maxPixels: 2)
        #expect(grey.width == 2 && grey.height == 1)
        #expect(grey.pixels == [50, 100])
    }

    @Test("a fractional shrink weights the pixels it cuts through")
    func fractional() throws {
        // 3 pixels -> 2: the first output covers pixel 0 and half of pixel 1, the second the rest.
        let values: [UInt8] = [0, 90, 180]
        let image = try #require(RGBImage(width: 3, height: 3, pixels: (0..<3).flatMap { _ in values.flatMap { [$0, $0, $0] } }))
        let grey = GreyImage(areaAveraging: image, maxPixels: 4)
        #expect(grey.width == 2 && grey.height == 2)
        #expect(grey.pixels == [30, 150, 30, 150])
    }

    @Test("every kernel path shrinks a photo to the same grey pixels", arguments: KernelPath.supported)
    func samePixelsOnEveryPath(path: KernelPath) throws {
        // Odd sizes and a fractional shrink: straddling rows and a vector loop's remainder.
        var rng = SystemRandomNumberGenerator()
        let pixels = (0..<(333 * 251 * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let image = try #require(RGBImage(width: 333, height: 251, pixels: pixels))
        let grey = GreyImage(areaAveraging: image, maxPixels: 20_011, kernels: path.isa)
        #expect(grey == GreyImage(areaAveraging: image, maxPixels: 20_011, kernels: KernelPath.portable.isa))
    }

    @Test("the pixel count lands on maxPixels and the aspect ratio is kept")
    func size() {
        let grey = GreyImage(areaAveraging: RGBImage(width: 4000, height: 3000, fill: (9, 9, 9)), maxPixels: 320 * 240)
        #expect(grey.width == 320 && grey.height == 240)
        #expect(grey.pixels.allSatisfy { $0 == 9 })
        let square = GreyImage(areaAveraging: RGBImage(width: 3464, height: 3464, fill: (0, 0, 0)), maxPixels: 320 * 240)
        #expect(square.width == 277 && square.height == 277)
        let strip = GreyImage(areaAveraging: RGBImage(width: 40, height: 40_000, fill: (0, 0, 0)), maxPixels: 320 * 240)
        #expect(strip.width == 9 && abs(strip.height - 8764) <= 1)
        let small = GreyImage(areaAveraging: RGBImage(width: 300, height: 200, fill: (0, 0, 0)), maxPixels: 320 * 240)
        #expect(small.width == 300 && small.height == 200)
    }

    @Test("bilinear pyramid levels keep flat areas flat and ramps monotone")
    func bilinear() {
        let ramp = GreyImage(width: 10, height: 2, pixels: (0..<20).map { UInt8(($0 % 10) * 20) })
        let level = ramp.bilinear(width: 4, height: 1)
        #expect(level.pixels == level.pixels.sorted())
        #expect(level.pixels.first.map { $0 < 40 } == true && level.pixels.last.map { $0 > 140 } == true)
        let flat = GreyImage(width: 9, height: 9, pixels: [UInt8](repeating: 77, count: 81))
        #expect(flat.bilinear(width: 4, height: 5).pixels.allSatisfy { $0 == 77 })
    }
}
