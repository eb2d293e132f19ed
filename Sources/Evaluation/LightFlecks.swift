import Imaging

/// White the photo does not have: the share of pixels that are near-white in the cartoon (every channel at
/// least 200) and at least 60 grey levels lighter than the photo there. It counts the generator's white blots
/// (eye-like ovals on noses, cheeks and highlights), which the other numbers miss; eyes and teeth that the
/// photo already shows light are not counted. Measured at the photo's size: `photo` and `cartoon` must match.
package enum LightFlecks {
    package static func share(photo: RGBImage, cartoon: RGBImage) -> Double {
        share(photo, cartoon) { pixel in
            let i = 3 * pixel
            return lightened(photo, cartoon, i) && min(cartoon.pixels[i], cartoon.pixels[i + 1], cartoon.pixels[i + 2]) >= 200
        }
    }

    /// The share of pixels at least 60 grey levels lighter than the photo, in any colour: the white flecks
    /// and the yellow or pink blots that warm-started runs paint, and what `cartoonify-train
    /// --lambda-lightening` penalises.
    package static func lightenedShare(photo: RGBImage, cartoon: RGBImage) -> Double {
        share(photo, cartoon) { lightened(photo, cartoon, 3 * $0) }
    }

    /// The share of pixels that are blots (`Blot`): what `cartoonify-train --teacher` paints out of its
    /// teacher's drawing, white ovals on light skin included.
    package static func blotShare(photo: RGBImage, cartoon: RGBImage) -> Double {
        let blots = blotMask(photo: photo, cartoon: cartoon, offEyes: nil)
        return share(photo, cartoon) { blots[$0] }
    }

    /// The blots off the eyes, where a model taught cartoon eyes (`--teacher-eyes`) draws white on purpose: off
    /// the eye regions (`Spot.eyes`) and, as the trainer draws them, the eyes `CartoonEyes` finds in the photo,
    /// which reach below those regions on a face framed low. `share` counts their pixels; `largestPatch` is the
    /// largest 8-connected patch (its size and centre), and `hasPatch` says whether it has at least `ringPixels`:
    /// the second ring beside an eye, on a glasses bridge or at a mouth corner, which a sheet shows at once and a
    /// pixel share hides among faces without one.
    package struct OffEyes {
        package var share: Double
        package var largestPatch: (pixels: Int, centre: SIMD2<Float>)?
        package var hasPatch: Bool { (largestPatch?.pixels ?? 0) >= LightFlecks.ringPixels }
    }

    /// `eyes`: `photo.cartoonEyes`.
    package static func blotsOffEyes(photo: RGBImage, cartoon: RGBImage, eyes: [SIMD2<Float>]) -> OffEyes {
        offEyes(blotMask(photo: photo, cartoon: cartoon, offEyes: eyes), photo, cartoon)
    }

    /// The white drawn away from the cartoon eyes: near-white pixels (every channel at least 190, as `EyeWhites`
    /// counts an eye's white) at least 60 grey levels lighter than the photo, further than `eyeReach` white radii
    /// from each eye `CartoonEyes` finds in the photo. Unlike `blotsOffEyes` it leaves no fixed eye regions out,
    /// so a second ring beside an eye counts, and it does not count skin evened over a shadow (lighter, not
    /// white), which the distillation target itself has on a third of the held-out faces. `eyes`: `photo.cartoonEyes`.
    package static func whiteOffEyes(photo: RGBImage, cartoon: RGBImage, eyes: [SIMD2<Float>]) -> OffEyes {
        guard wholeAndAlike(photo, cartoon) else { return OffEyes(share: 0, largestPatch: nil) }
        let reach = eyeReach * CartoonEyes.white * Float(min(photo.width, photo.height))
        let mask = (0..<(photo.width * photo.height)).map { pixel in
            let at = SIMD2(Float(pixel % photo.width), Float(pixel / photo.width))
            let i = 3 * pixel
            return min(cartoon.pixels[i], cartoon.pixels[i + 1], cartoon.pixels[i + 2]) >= 190 && lightened(photo, cartoon, i)
                && !eyes.contains { ((at - $0) * (at - $0)).sum() <= reach * reach }
        }
        return offEyes(mask, photo, cartoon)
    }

    /// How far round each found eye (in white radii) `whiteOffEyes` leaves out: a drawn eye a few pixels off the
    /// found one stays inside, a second ring beside it does not.
    static let eyeReach: Float = 1.4

    /// The share of `mask` and its largest 8-connected patch.
    private static func offEyes(_ mask: [Bool], _ photo: RGBImage, _ cartoon: RGBImage) -> OffEyes {
        var largest: (pixels: Int, centre: SIMD2<Float>)?
        Spot.forEachPatch(of: mask, width: photo.width, height: photo.height) { patch in
            guard patch.count > largest?.pixels ?? 0 else { return }
            let sum = patch.reduce(SIMD2<Float>.zero) { $0 + SIMD2(Float($1 % photo.width), Float($1 / photo.width)) }
            largest = (patch.count, sum / Float(patch.count))
        }
        return OffEyes(share: share(photo, cartoon) { mask[$0] }, largestPatch: largest)
    }

    /// The smallest patch `blotsOffEyes` counts: about a quarter of a drawn eye's white ring at 128 px.
    package static let ringPixels = 12

    /// Which pixels are blots (none unless the images are whole and alike): off the eye regions and the found
    /// `offEyes`, or everywhere where that is nil.
    private static func blotMask(photo: RGBImage, cartoon: RGBImage, offEyes: [SIMD2<Float>]?) -> [Bool] {
        guard wholeAndAlike(photo, cartoon) else { return [] }
        let (width, height) = (photo.width, photo.height)
        return (0..<(width * height)).map { pixel in
            let (row, column) = (pixel / width, pixel % width)
            if let eyes = offEyes, Spot.eyes.contains(where: { $0.contains(row: row, column: column, width: width, height: height) })
                || CartoonEyes.paints(x: column, y: row, eyes: eyes, side: min(width, height)) { return false }
            return Blot.isBlot(cartoon: levels(cartoon, pixel), photo: levels(photo, pixel), row: row, column: column, width: width, height: height)
        }
    }

    /// The share of pixels in spots (`Spot`): the small red and blue patches that `--teacher-spots` paints out.
    package static func spotShare(photo: RGBImage, cartoon: RGBImage) -> Double {
        guard wholeAndAlike(photo, cartoon) else { return 0 }
        let spots = Spot.mask(width: photo.width, height: photo.height,
                              cartoon: { levels(cartoon, $0) }, photo: { levels(photo, $0) })
        return share(photo, cartoon) { spots[$0] }
    }

    private static func levels(_ image: RGBImage, _ pixel: Int) -> SIMD3<Float> {
        SIMD3(Float(image.pixels[3 * pixel]), Float(image.pixels[3 * pixel + 1]), Float(image.pixels[3 * pixel + 2]))
    }

    /// Whether the pixel whose red sample is at `i` is at least 60 grey levels lighter in `cartoon` than in `photo`.
    private static func lightened(_ photo: RGBImage, _ cartoon: RGBImage, _ i: Int) -> Bool {
        cartoon.grey(atSample: i) - photo.grey(atSample: i) >= 60
    }

    /// The share of pixels (by index) that `counts`; 0 unless `photo` and `cartoon` are whole images of one size,
    /// so `counts` may index both.
    private static func share(_ photo: RGBImage, _ cartoon: RGBImage, where counts: (Int) -> Bool) -> Double {
        guard wholeAndAlike(photo, cartoon) else { return 0 }
        let count = photo.width * photo.height
        var counted = 0
        for pixel in 0..<count where counts(pixel) { counted += 1 }
        return Double(counted) / Double(count)
    }

    /// Whether `photo` and `cartoon` are whole, non-empty images of one size.
    private static func wholeAndAlike(_ photo: RGBImage, _ cartoon: RGBImage) -> Bool {
        let count = photo.width * photo.height
        return count > 0 && photo.width == cartoon.width && photo.height == cartoon.height
            && photo.pixels.count == count * 3 && cartoon.pixels.count == count * 3
    }
}
