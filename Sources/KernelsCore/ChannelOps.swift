import Parallel

extension KernelISA {
    @inlinable
    public static func channelStatistics(_ x: UnsafePointer<Float>, channels: Int, plane: Int,
                                         into statistics: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let w = Vector.scalarCount
        parallelRanges(channels, context: context, work: channels * plane) { range in
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
                                          context: ComputeContext) {
        let w = Vector.scalarCount
        parallelRanges(channels, context: context, work: 2 * channels * plane) { range in
            for c in range {
                let source = x + c * plane, target = output + c * plane
                let added = residual.map { $0 + c * plane }
                let scale = affine.scale[c], shift = affine.shift[c]
                let scaleVector = Vector(repeating: scale), shiftVector = Vector(repeating: shift)
                var i = 0
                while i + w <= plane {
                    var v = mulAdd(shiftVector, load(source + i), scaleVector)
                    if affine.relu { v = relu(v) }
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

    @inlinable
    public static func tanhInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, context: ComputeContext) {
        let w = Vector.scalarCount
        parallelRanges(count, context: context, work: 8 * count) { range in
            var i = range.lowerBound
            while i + w <= range.upperBound {
                store(tanh(load(x + i)), x + i)
                i += w
            }
            while i < range.upperBound {
                x[i] = tanh(Vector(repeating: x[i]))[0]
                i += 1
            }
        }
    }

    /// tanh(x) = x P(x^2) / Q(x^2) on [-7.9053, 7.9053] (beyond it tanh rounds to +-1): the minimax
    /// rational approximation Eigen and XNNPACK use for float.
    @inlinable @inline(__always)
    static func tanh(_ v: Vector) -> Vector {
        let limit = Vector(repeating: 7.905_311_107_635_498_05)
        let x = v.clamped(lowerBound: -limit, upperBound: limit)
        let x2 = x * x
        var p = Vector(repeating: -2.760_768_477_423_55e-16)
        p = mulAdd(Vector(repeating: 2.000_187_904_824_77e-13), p, x2)
        p = mulAdd(Vector(repeating: -8.604_671_522_137_35e-11), p, x2)
        p = mulAdd(Vector(repeating: 5.122_297_090_371_14e-08), p, x2)
        p = mulAdd(Vector(repeating: 1.485_722_357_179_79e-05), p, x2)
        p = mulAdd(Vector(repeating: 6.372_619_288_754_36e-04), p, x2)
        p = mulAdd(Vector(repeating: 4.893_524_558_917_86e-03), p, x2)
        var q = Vector(repeating: 1.198_258_394_667_02e-06)
        q = mulAdd(Vector(repeating: 1.185_347_056_866_54e-04), q, x2)
        q = mulAdd(Vector(repeating: 2.268_434_632_439_00e-03), q, x2)
        q = mulAdd(Vector(repeating: 4.893_525_185_543_85e-03), q, x2)
        return x * p / q
    }
}
