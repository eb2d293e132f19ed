/// What counts as a generator's blot, for the trainer that paints them out (`--teacher`) and the evaluation
/// that counts them: a white oval where the photo has a highlight, a cheek or a nose. A pixel is one when,
/// outside the mouth, it is more than 60 grey levels lighter than the photo, or near-white (every channel 200
/// or more) and 20 levels lighter where the photo is lit skin (red 30 levels above blue): on light skin a
/// blot comes within 60 levels of the photo. Teeth pass both tests and are drawn white in the cartoons, so
/// the mouth is never a blot.
package enum Blot {
    /// Where the mouth lies in an aligned face (rows, columns as fractions of the side): the training chips'
    /// mouths after the trainer's 143 -> 128 px random crop.
    package static let mouth = FaceRegion(rows: 0.6..<0.95, columns: 0.25..<0.75)

    /// `cartoon` and `photo` are RGB in levels (0...255); `row`, `column` place the pixel in a `width` x `height` image.
    package static func isBlot(cartoon: SIMD3<Float>, photo: SIMD3<Float>, row: Int, column: Int, width: Int, height: Int) -> Bool {
        guard !mouth.contains(row: row, column: column, width: width, height: height) else { return false }
        let lighter = Luma.of(cartoon - photo)
        return lighter > 60 || (cartoon.min() >= 200 && photo.x - photo.z >= 30 && lighter >= 20)
    }

    /// The blots of one `width` x `height` image pair whose levels at pixel index i are `cartoon(i)` and
    /// `photo(i)`, row-major; with `spots`, its spots (`Spot`) too.
    package static func mask(width: Int, height: Int, spots: Bool,
                             cartoon: (Int) -> SIMD3<Float>, photo: (Int) -> SIMD3<Float>) -> [Bool] {
        let blots = (0..<(width * height)).map { i in
            isBlot(cartoon: cartoon(i), photo: photo(i), row: i / width, column: i % width, width: width, height: height)
        }
        guard spots else { return blots }
        return zip(blots, Spot.mask(width: width, height: height, cartoon: cartoon, photo: photo)).map { $0 || $1 }
    }
}
