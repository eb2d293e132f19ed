import Foundation

/// A square region of a photo that may be rotated: what an aligned face crop cuts out. Coordinates are
/// continuous photo pixels (pixel `i` covers `i..<i+1`).
public struct RotatedSquare: Sendable, Equatable {
    public var centreX: Double
    public var centreY: Double
    public var side: Double
    /// The direction of the square's x axis in the photo, in radians: (cos, sin). Positive turns it
    /// clockwise on screen (y points down).
    public var angle: Double

    public init(centreX: Double, centreY: Double, side: Double, angle: Double = 0) {
        self.centreX = centreX
        self.centreY = centreY
        self.side = side
        self.angle = angle
    }

    /// Where the point at fractions `(u, v)` of the square (0...1, x right, y down) lies in the photo.
    public func photoPoint(u: Double, v: Double) -> (x: Double, y: Double) {
        let a = (u - 0.5) * side, b = (v - 0.5) * side
        return (centreX + cos(angle) * a - sin(angle) * b, centreY + sin(angle) * a + cos(angle) * b)
    }

    /// The inverse of `photoPoint`: fractions of the square.
    public func squarePoint(x: Double, y: Double) -> (u: Double, v: Double) {
        let dx = x - centreX, dy = y - centreY
        return ((cos(angle) * dx + sin(angle) * dy) / side + 0.5, (-sin(angle) * dx + cos(angle) * dy) / side + 0.5)
    }
}

extension RGBImage {
    /// The square `region` resampled to `size` x `size`, straight into the engine's input layout (planes R, G,
    /// B, each sample 0...255 mapped to -1...1 as in `planarFloats()`): one pass, no intermediate image.
    ///
    /// Each output pixel averages `k` x `k` bilinear samples spread evenly over its footprint, with `k` the
    /// smallest count that keeps neighbouring samples at most 2 photo pixels apart. Bilinear taps reach 1 pixel
    /// either side, so every photo pixel under the footprint contributes: area-like averaging (no aliasing from
    /// a 4x shrink) at a fraction of an exact area filter's cost, and plain bilinear when enlarging. Outside
    /// the photo the nearest edge pixel is repeated, as `cropped` does.
    public func warpedPlanarFloats(_ region: RotatedSquare, size: Int) -> [Float] {
        precondition(size > 0 && region.side > 0, "warp size must be positive")
        checkBuffer()
        let step = region.side / Double(size)
        let k = min(16, max(1, Int((step / 2).rounded(.up))))
        let subStep = step / Double(k)
        let cosA = cos(region.angle), sinA = sin(region.angle)
        // Photo position of sub-sample (0, 0) of output pixel (0, 0), less half a pixel: bilinear works on
        // pixel centres.
        let (originX, originY) = region.photoPoint(u: 0, v: 0)
        let startX = originX + (cosA - sinA) * subStep / 2 - 0.5
        let startY = originY + (sinA + cosA) * subStep / 2 - 0.5
        // One sub-step along the square's x and y axes.
        let alongX = (Float(cosA * subStep), Float(sinA * subStep))
        let alongY = (Float(-sinA * subStep), Float(cosA * subStep))
        let plane = size * size
        let norm = 1 / (127.5 * Float(k * k))
        let maxX = Float(width - 1), maxY = Float(height - 1)
        let rowLength = width * 3
        var out = [Float](repeating: 0, count: 3 * plane)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                let src = source.baseAddress.unsafelyUnwrapped
                for row in 0..<size {
                    for column in 0..<size {
                        var sum = SIMD4<Float>()
                        for j in 0..<k {
                            let sy = Float(row * k + j), sx0 = Float(column * k)
                            var x = Float(startX) + sy * alongY.0 + sx0 * alongX.0
                            var y = Float(startY) + sy * alongY.1 + sx0 * alongX.1
                            for _ in 0..<k {
                                // Clamping the position first makes both taps the edge pixel outside.
                                let cx = min(max(x, 0), maxX), cy = min(max(y, 0), maxY)
                                let x0 = Int(cx), y0 = Int(cy)
                                let fx = cx - Float(x0), fy = cy - Float(y0)
                                let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
                                let top = src + y0 * rowLength, bottom = src + y1 * rowLength
                                let a = pixel(top, x0), b = pixel(top, x1), c = pixel(bottom, x0), d = pixel(bottom, x1)
                                let upper = a + (b - a) * fx, lower = c + (d - c) * fx
                                sum += upper + (lower - upper) * fy
                                x += alongX.0
                                y += alongX.1
                            }
                        }
                        let i = row * size + column
                        let value = sum * norm - 1
                        target[i] = value.x
                        target[plane + i] = value.y
                        target[2 * plane + i] = value.z
                    }
                }
            }
        }
        return out
    }
}

@inline(__always)
private func pixel(_ row: UnsafePointer<UInt8>, _ x: Int) -> SIMD4<Float> {
    SIMD4(Float(row[3 * x]), Float(row[3 * x + 1]), Float(row[3 * x + 2]), 0)
}
