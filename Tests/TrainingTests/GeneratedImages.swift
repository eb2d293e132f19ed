import Foundation
import Imaging
import NN

/// Small synthetic domains written as real PNG files: "photos" are smooth colour gradients with a bright
/// disc (non-square, like aligned faces), "cartoons" are flat-colour squares with a dark disc.
enum GeneratedImages {
    /// A fresh folder under the system temporary folder; tests remove it with `defer { remove(url) }`.
    static func temporaryFolder(_ name: String, in parent: URL? = nil) throws -> URL {
        let url = (parent ?? FileManager.default.temporaryDirectory)
            .appendingPathComponent("cartoonify-train-tests-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func remove(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    static func write(_ image: RGBImage, to url: URL) throws {
        try Data(PNGEncoder.encode(image)).write(to: url)
    }

    static func photo(seed: UInt64, width: Int = 20, height: Int = 24) -> RGBImage {
        var rng = SplitMix64(seed: seed)
        let (r, g, b) = (rng.nextUnit(), rng.nextUnit(), rng.nextUnit())
        let (cx, cy) = (Double(width) * (0.3 + 0.4 * rng.nextUnit()), Double(height) * (0.3 + 0.4 * rng.nextUnit()))
        var pixels = [UInt8]()
        for y in 0..<height {
            for x in 0..<width {
                let t = Double(x + y) / Double(width + height)
                let inside = (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy) < 30
                pixels += [r, g, b].map { inside ? 240 : UInt8(255 * ($0 * 0.6 + 0.3 * t)) }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels) ?? RGBImage(width: width, height: height)
    }

    static func cartoon(seed: UInt64, size: Int = 20) -> RGBImage {
        var rng = SplitMix64(seed: seed &+ 1000)
        let colour = (UInt8(rng.next() % 256), UInt8(rng.next() % 256), UInt8(rng.next() % 256))
        var image = RGBImage(width: size, height: size, fill: colour)
        let c = Double(size) / 2
        for y in 0..<size {
            for x in 0..<size where (Double(x) - c) * (Double(x) - c) + (Double(y) - c) * (Double(y) - c) < Double(size * size) / 10 {
                let i = (y * size + x) * 3
                image.pixels[i] = 20; image.pixels[i + 1] = 20; image.pixels[i + 2] = 30
            }
        }
        return image
    }

    /// Writes `photos` photos (some in a subfolder) and `cartoons` cartoons plus a CSV beside them.
    static func domains(photos: Int, cartoons: Int, in root: URL) throws -> (photos: URL, cartoons: URL) {
        let photoDir = try temporaryFolder("photos", in: root), cartoonDir = try temporaryFolder("cartoons", in: root)
        let nested = photoDir.appendingPathComponent("nested")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        for i in 0..<photos {
            try write(photo(seed: UInt64(i)), to: (i % 2 == 0 ? photoDir : nested).appendingPathComponent("p\(i).png"))
        }
        for i in 0..<cartoons {
            try write(cartoon(seed: UInt64(i)), to: cartoonDir.appendingPathComponent("c\(i).PNG"))
            try Data("hair,1\n".utf8).write(to: cartoonDir.appendingPathComponent("c\(i).csv"))
        }
        return (photoDir, cartoonDir)
    }
}
