import Imaging

extension RGBImage {
    /// The grey level (ITU-R 601 weights) of the pixel whose red sample is at `index`, the one grey scale
    /// every evaluation number is measured in.
    func grey(atSample index: Int) -> Double {
        0.299 * Double(pixels[index]) + 0.587 * Double(pixels[index + 1]) + 0.114 * Double(pixels[index + 2])
    }
}
