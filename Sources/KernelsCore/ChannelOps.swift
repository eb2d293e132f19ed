extension KernelISA {
    @inlinable
    public static func channelStatistics(_ x: UnsafePointer<Float>, channels: Int, plane: Int,
                                         into statistics: UnsafeMutablePointer<Float>, threads: Int) {
        let w = Vector.scalarCount
        parallelRanges(channels, threads: threads, work: channels * plane) { range in
            for c in range {
                let values = x + c * plane
                // Sums of (x - first value) keep the single pass accurate when the mean dwarfs the spread;
                // Float lanes over short runs, Double across runs.
                let pivot = values[0], pivotVector = Vector(repeating: pivot)
                var sum = 0.0, squares = 0.0
                var start = 0
                while start < plane {
                    let end = min(plane, start + 1024)
                    var s = Vector(), q = Vector()
                    var i = start
                    while i + w <= end {
                        let d = load(values + i) - pivotVector
                        s += d
                        q = mulAdd(q, d, d)
                        i += w
                    }
                    var tailSum: Float = 0, tailSquares: Float = 0
                    while i < end {
                        let d = values[i] - pivot
                        tailSum += d
                        tailSquares += d * d
                        i += 1
                    }
                    sum += Double(s.sum() + tailSum)
                    squares += Double(q.sum() + tailSquares)
                    start = end
                }
                let mean = sum / Double(plane)
                statistics[2 * c] = Float(Double(pivot) + mean)
                statistics[2 * c + 1] = Float(max(0, squares / Double(plane) - mean * mean))
            }
        }
    }

    @inlinable
    public static func applyChannelAffine(_ x: UnsafePointer<Float>, channels: Int, plane: Int, affine: ChannelAffine,
                                          residual: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                                          threads: Int) {
        let w = Vector.scalarCount
        parallelRanges(channels, threads: threads, work: 2 * channels * plane) { range in
            for c in range {
                let source = x + c * plane, target = output + c * plane
                let added = residual.map { $0 + c * plane }
                let scale = affine.scale[c], shift = affine.shift[c]
                let scaleVector = Vector(repeating: scale), shiftVector = Vector(repeating: shift)
                var i = 0
                while i + w <= plane {
                    var v = mulAdd(shiftVector, load(source + i), scaleVector)
                    if affine.relu { v.replace(with: Vector(), where: v .< Vector()) }
                    if let added { v += load(added + i) }
                    store(v, target + i)
                    i += w
                }
                while i < plane {
                    var v = source[i] * scale + shift
                    if affine.relu { v = max(v, 0) }
                    if let added { v += added[i] }
                    target[i] = v
                    i += 1
                }
            }
        }
    }
}
