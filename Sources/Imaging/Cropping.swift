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
        var out = [UInt8](repeating: 0, count: cropWidth * cropHeight * 3)
        // The part of the crop's columns that lies inside the image; left and right of it replicate.
        let insideStart = min(max(x, 0), width), insideEnd = max(min(x + cropWidth, width), insideStart)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for row in 0..<cropHeight {
                    let sourceRow = source.baseAddress! + min(max(y + row, 0), height - 1) * width * 3
                    let targetRow = target.baseAddress! + row * cropWidth * 3
                    var column = 0
                    func replicate(_ sourceX: Int, until end: Int) {
                        while column < end {
                            targetRow[3 * column] = sourceRow[3 * sourceX]
                            targetRow[3 * column + 1] = sourceRow[3 * sourceX + 1]
                            targetRow[3 * column + 2] = sourceRow[3 * sourceX + 2]
                            column += 1
                        }
                    }
                    replicate(0, until: min(insideStart - x, cropWidth))
                    let insideCount = insideEnd - insideStart
                    if insideCount > 0 {
                        (targetRow + 3 * column).update(from: sourceRow + 3 * insideStart, count: 3 * insideCount)
                        column += insideCount
                    }
                    replicate(width - 1, until: cropWidth)
                }
            }
        }
        return RGBImage(uncheckedWidth: cropWidth, height: cropHeight, pixels: out)
    }
}
