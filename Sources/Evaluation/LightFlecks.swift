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
        func levels(_ image: RGBImage, _ i: Int) -> SIMD3<Float> {
            SIMD3(Float(image.pixels[i]), Float(image.pixels[i + 1]), Float(image.pixels[i + 2]))
        }
        return share(photo, cartoon) { pixel in
            Blot.isBlot(cartoon: levels(cartoon, 3 * pixel), photo: levels(photo, 3 * pixel), row: pixel / photo.width,
                        column: pixel % photo.width, width: photo.width, height: photo.height)
        }
    }

    /// Whether the pixel whose red sample is at `i` is at least 60 grey levels lighter in `cartoon` than in `photo`.
    private static func lightened(_ photo: RGBImage, _ cartoon: RGBImage, _ i: Int) -> Bool {
        cartoon.grey(atSample: i) - photo.grey(atSample: i) >= 60
    }

    /// The share of pixels (by index) that `counts`; 0 unless `photo` and `cartoon` are whole images of one size,
    /// so `counts` may index both.
    private static func share(_ photo: RGBImage, _ cartoon: RGBImage, where counts: (Int) -> Bool) -> Double {
        let count = photo.width * photo.height
        guard count > 0, photo.width == cartoon.width, photo.height == cartoon.height,
              photo.pixels.count == count * 3, cartoon.pixels.count == count * 3 else { return 0 }
        var counted = 0
        for pixel in 0..<count where counts(pixel) { counted += 1 }
        return Double(counted) / Double(count)
    }
}
