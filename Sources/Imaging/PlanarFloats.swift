extension RGBImage {
    /// The engine's input: planes R, G, B (CHW), each sample mapped 0...255 -> -1...1 as value / 127.5 - 1.
    public func planarFloats() -> [Float] {
        checkBuffer()
        let count = width * height
        var out = [Float](repeating: 0, count: 3 * count)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for i in 0..<count {
                    target[i] = Float(source[3 * i]) / 127.5 - 1
                    target[count + i] = Float(source[3 * i + 1]) / 127.5 - 1
                    target[2 * count + i] = Float(source[3 * i + 2]) / 127.5 - 1
                }
            }
        }
        return out
    }

    /// The engine's output back to 8 bits: round((v + 1) * 127.5), clamped to 0...255; NaN becomes 0, so a
    /// diverged model yields a black image rather than a trap. Exact inverse of `planarFloats()`.
    public init(planarFloats: [Float], width: Int, height: Int) {
        precondition(width > 0 && height > 0 && planarFloats.count == 3 * width * height, "planes do not match size")
        let count = width * height
        var out = [UInt8](repeating: 0, count: 3 * count)
        planarFloats.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for c in 0..<3 {
                    for i in 0..<count {
                        let v = (source[c * count + i] + 1) * 127.5
                        // Comparisons are false for NaN, so it falls through to 0.
                        let clamped: Float = v > 0 ? (v < 255 ? v : 255) : 0
                        target[3 * i + c] = UInt8(clamped.rounded())
                    }
                }
            }
        }
        self.init(uncheckedWidth: width, height: height, pixels: out)
    }
}
