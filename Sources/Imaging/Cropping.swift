extension RGBImage {
    /// The largest centred square: what the model sees when no face is found.
    public func centerSquareCrop() -> RGBImage {
        let side = min(width, height)
        return cropped(x: (width - side) / 2, y: (height - side) / 2, width: side, height: side)
    }

    /// Any rectangle, possibly reaching outside the image: outside pixels replicate the nearest edge pixel,
    /// so a face box with margin near the border still yields a square without black bars.
    public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> RGBImage {
        precondition(cropWidth > 0 && cropHeight > 0, "crop size must be positive")
        checkBuffer()
        var out = [UInt8](repeating: 0, count: cropWidth * cropHeight * 3)
        // The part of the crop's columns that lies inside the image; left and right of it replicate.
        let insideStart = min(max(x, 0), width), insideEnd = max(min(x + cropWidth, width), insideStart)
        let insideCount = insideEnd - insideStart
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for row in 0..<cropHeight {
                    let sourceRow = min(max(y + row, 0), height - 1) * width * 3
                    var o = row * cropWidth * 3
                    /// Fills output columns up to `end` with one source pixel.
                    func replicate(_ sourceX: Int, until end: Int) {
                        let s = sourceRow + 3 * sourceX
                        while o < row * cropWidth * 3 + 3 * end {
                            target[o] = source[s]
                            target[o + 1] = source[s + 1]
                            target[o + 2] = source[s + 2]
                            o += 3
                        }
                    }
                    replicate(0, until: min(insideStart - x, cropWidth))
                    if insideCount > 0 {
                        let span = sourceRow + 3 * insideStart..<sourceRow + 3 * insideEnd
                        _ = UnsafeMutableBufferPointer(rebasing: target[o..<o + span.count]).initialize(from: source[span])
                        o += span.count
                    }
                    replicate(width - 1, until: cropWidth)
                }
            }
        }
        return RGBImage(uncheckedWidth: cropWidth, height: cropHeight, pixels: out)
    }
}
