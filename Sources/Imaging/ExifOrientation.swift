/// The EXIF Orientation tag (0x0112): how the stored pixels must be turned to display upright. Cameras
/// store the sensor's rows and record the rotation here instead of rotating the pixels.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case up = 1, mirrored = 2, down = 3, downMirrored = 4
    case leftMirrored = 5, right = 6, rightMirrored = 7, left = 8

    /// Orientations 5-8 swap width and height.
    var swapsAxes: Bool { rawValue >= 5 }

    /// Reads IFD0 of a TIFF structure (the body of an APP1 "Exif" segment or a PNG eXIf chunk). Every
    /// offset is bounds-checked; anything missing or malformed means `.up`.
    init(tiff: UnsafeBufferPointer<UInt8>) {
        self = .up
        guard tiff.count >= 8 else { return }
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): bigEndian = false  // "II"
        case (0x4D, 0x4D): bigEndian = true  // "MM"
        default: return
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let a = Int(tiff[at]), b = Int(tiff[at + 1])
            return bigEndian ? a << 8 | b : b << 8 | a
        }
        func u32(_ at: Int) -> Int? {
            guard let high = u16(bigEndian ? at : at + 2), let low = u16(bigEndian ? at + 2 : at) else { return nil }
            return high << 16 | low
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return }
        for index in 0..<count {
            let entry = ifd + 2 + index * 12
            guard let tag = u16(entry) else { return }
            guard tag == 0x0112 else { continue }
            // SHORT (type 3), one value, stored in the first two bytes of the value field.
            guard u16(entry + 2) == 3, u32(entry + 4) == 1, let value = u16(entry + 8),
                  let orientation = ExifOrientation(rawValue: value) else { return }
            self = orientation
            return
        }
    }
}

extension RGBImage {
    /// The upright image for pixels stored with `orientation`.
    public func applying(_ orientation: ExifOrientation) -> RGBImage {
        if orientation == .up { return self }
        checkBuffer()
        let (w, h) = (width, height)
        let (outWidth, outHeight) = orientation.swapsAxes ? (h, w) : (w, h)
        // For each output pixel the source is `origin + x * stepX + y * stepY` (in pixels), so the inner
        // loop is one add per pixel whatever the orientation.
        let (origin, stepX, stepY): (Int, Int, Int)
        switch orientation {
        case .up: (origin, stepX, stepY) = (0, 1, w)
        case .mirrored: (origin, stepX, stepY) = (w - 1, -1, w)
        case .down: (origin, stepX, stepY) = (w * h - 1, -1, -w)
        case .downMirrored: (origin, stepX, stepY) = ((h - 1) * w, 1, -w)
        case .leftMirrored: (origin, stepX, stepY) = (0, w, 1)
        case .right: (origin, stepX, stepY) = ((h - 1) * w, -w, 1)
        case .rightMirrored: (origin, stepX, stepY) = (w * h - 1, -w, -1)
        case .left: (origin, stepX, stepY) = (w - 1, w, -1)
        }
        var out = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                var o = 0
                for y in 0..<outHeight {
                    var s = origin + y * stepY
                    for _ in 0..<outWidth {
                        target[o] = source[3 * s]
                        target[o + 1] = source[3 * s + 1]
                        target[o + 2] = source[3 * s + 2]
                        o += 3
                        s += stepX
                    }
                }
            }
        }
        return RGBImage(uncheckedWidth: outWidth, height: outHeight, pixels: out)
    }
}
