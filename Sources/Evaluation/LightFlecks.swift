import Imaging

/// White the photo does not have: the share of pixels that are near-white in the cartoon (every channel at
/// least 200) and at least 60 grey levels lighter than the photo there. It counts the generator's white blots
/// (eye-like ovals on noses, cheeks and highlights), which the other numbers miss; eyes and teeth that the
/// photo already shows light are not counted. Measured at the photo's size: `photo` and `cartoon` must match.
package enum LightFlecks {
    package static func share(photo: RGBImage, cartoon: RGBImage) -> Double {
        share(photo: photo, cartoon: cartoon) { cartoon, i in
            min(cartoon.pixels[i], cartoon.pixels[i + 1], cartoon.pixels[i + 2]) >= 200
        }
    }

    /// The share of pixels at least 60 grey levels lighter than the photo, in any colour: the white flecks
    /// and the yellow or pink blots that warm-started runs paint, and what `cartoonify-train
    /// --lambda-lightening` penalises.
    package static func lightenedShare(photo: RGBImage, cartoon: RGBImage) -> Double {
        share(photo: photo, cartoon: cartoon) { _, _ in true }
    }

    /// The share of pixels that are blots (`Blot`): what `cartoonify-train --teacher` paints out of its
    /// teacher's drawing, white ovals on light skin included.
    package static func blotShare(photo: RGBImage, cartoon: RGBImage) -> Double {
        let count = photo.width * photo.height
        guard count > 0, photo.width == cartoon.width, photo.height == cartoon.height,
              photo.pixels.count == count * 3, cartoon.pixels.count == count * 3 else { return 0 }
        func levels(_ image: RGBImage, _ i: Int) -> SIMD3<Float> {
            SIMD3(Float(image.pixels[i]), Float(image.pixels[i + 1]), Float(image.pixels[i + 2]))
        }
        let blots = (0..<count).filter { i in
            Blot.isBlot(cartoon: levels(cartoon, 3 * i), photo: levels(photo, 3 * i), row: i / photo.width,
                        column: i % photo.width, width: photo.width, height: photo.height)
        }
        return Double(blots.count) / Double(count)
    }

    private static func share(photo: RGBImage, cartoon: RGBImage, where counts: (RGBImage, Int) -> Bool) -> Double {
        let count = photo.width * photo.height
        guard count > 0, photo.width == cartoon.width, photo.height == cartoon.height,
              photo.pixels.count == count * 3, cartoon.pixels.count == count * 3 else { return 0 }
        var flecks = 0
        for i in stride(from: 0, to: count * 3, by: 3)
        where cartoon.grey(atSample: i) - photo.grey(atSample: i) >= 60 && counts(cartoon, i) {
            flecks += 1
        }
        return Double(flecks) / Double(count)
    }
}
