import Imaging

extension RGBImage {
    /// The grey level (ITU-R 601 weights) of the pixel whose red sample is at `index`, the one grey scale
    /// every evaluation number is measured in.
    func grey(atSample index: Int) -> Double {
        0.299 * Double(pixels[index]) + 0.587 * Double(pixels[index + 1]) + 0.114 * Double(pixels[index + 2])
    }

    /// The red-sample index of every pixel in `regions`, each a (left, top, right, bottom) fraction of the image
    /// and at least one pixel; empty for an empty image or one whose pixels do not match its size.
    func sampleIndices(in regions: [(Double, Double, Double, Double)]) -> [Int] {
        guard width > 0, height > 0, pixels.count == width * height * 3 else { return [] }
        return regions.flatMap { left, top, right, bottom in
            let rows = Int(top * Double(height))..<max(Int(top * Double(height)) + 1, Int(bottom * Double(height)))
            let columns = Int(left * Double(width))..<max(Int(left * Double(width)) + 1, Int(right * Double(width)))
            return rows.flatMap { y in columns.map { x in (y * width + x) * 3 } }
        }
    }

    /// Where the trainer draws cartoon eyes on this photo (`CartoonEyes`): the eye measures look there, found
    /// once per photo by their caller.
    package var cartoonEyes: [SIMD2<Float>] {
        CartoonEyes.locate(CartoonEyes.irisContrast(grey: (0..<(width * height)).map { Float(grey(atSample: 3 * $0)) },
                                                    width: width, height: height))
    }
}
