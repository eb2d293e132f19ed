import Imaging

/// How white a model taught cartoon eyes (`--teacher-eyes`) draws their whites: of the ring between each drawn
/// pupil and the white disc's edge, round the eyes `CartoonEyes` finds in the photo as the trainer draws them, the
/// share of pixels near white (every channel at least 190). The blot counts take white for granted: eyes drawn
/// magenta or grey stop counting as blots, and those numbers improve for the wrong reason.
package enum EyeWhites {
    /// The ring measured, in white radii: outside the pupil (0.5) and inside the disc's soft edge.
    static let ring: ClosedRange<Float> = 0.65...0.9

    /// `eyes`: `photo.cartoonEyes`; 0 unless `photo` and `cartoon` are whole images of one size.
    package static func share(photo: RGBImage, cartoon: RGBImage, eyes: [SIMD2<Float>]) -> Double {
        let (width, height) = (photo.width, photo.height)
        guard width > 0, height > 0, cartoon.width == width, cartoon.height == height,
              photo.pixels.count == width * height * 3, cartoon.pixels.count == photo.pixels.count else { return 0 }
        let radius = CartoonEyes.white * Float(min(width, height))
        var (white, counted) = (0, 0)
        for eye in eyes {
            let span = Int((ring.upperBound * radius).rounded(.up))
            for y in max(0, Int(eye.y) - span)...min(height - 1, Int(eye.y) + span) {
                for x in max(0, Int(eye.x) - span)...min(width - 1, Int(eye.x) + span) {
                    let distance = ((SIMD2(Float(x), Float(y)) - eye) * (SIMD2(Float(x), Float(y)) - eye)).sum().squareRoot()
                    guard ring.contains(distance / radius) else { continue }
                    let i = 3 * (y * width + x)
                    counted += 1
                    if min(cartoon.pixels[i], cartoon.pixels[i + 1], cartoon.pixels[i + 2]) >= 190 { white += 1 }
                }
            }
        }
        return counted > 0 ? Double(white) / Double(counted) : 0
    }
}
