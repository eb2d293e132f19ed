import Imaging

/// White the photo does not have: the share of pixels that are near-white in the cartoon (every channel at
/// least 200) and at least 60 grey levels lighter than the photo there. It counts the generator's white blots
/// (eye-like ovals on noses, cheeks and highlights), which the other numbers miss; eyes and teeth that the
/// photo already shows light are not counted. Measured at the photo's size: `photo` and `cartoon` must match.
package enum LightFlecks {
    package static func share(photo: RGBImage, cartoon: RGBImage) -> Double {
        let count = photo.width * photo.height
        guard count > 0, photo.width == cartoon.width, photo.height == cartoon.height,
              photo.pixels.count == count * 3, cartoon.pixels.count == count * 3 else { return 0 }
        var flecks = 0
        for i in stride(from: 0, to: count * 3, by: 3)
        where min(cartoon.pixels[i], cartoon.pixels[i + 1], cartoon.pixels[i + 2]) >= 200
            && cartoon.grey(atSample: i) - photo.grey(atSample: i) >= 60 {
            flecks += 1
        }
        return Double(flecks) / Double(count)
    }
}
