import Tensor

extension Tape {
    /// Instance normalisation (`instanceNorm2d` of the engine, PyTorch's `InstanceNorm2d`, biased variance, no
    /// running statistics), affine when `weight` and `bias` are given. The pullback recomputes each plane's
    /// statistics instead of keeping the normalised copy from the forward.
    public func instanceNorm(_ input: Variable, weight: Variable? = nil, bias: Variable? = nil, epsilon: Float = 1e-5) -> Variable {
        precondition((weight == nil) == (bias == nil), "affine instance norm needs both weight and bias")
        let x = value(input)
        let gammaTensor = weight.map { value($0) }
        let output = EngineForward.instanceNorm(x, gammaTensor, bias.map { value($0) }, eps: epsilon)
        let channels = x.shape[1], plane = x.shape[2] * x.shape[3]
        let inputs = [input] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
        return record(output, inputs: inputs) { dy, needs in
            let gamma = gammaTensor?.storage ?? [Float](repeating: 1, count: channels)
            var dGamma = [Double](repeating: 0, count: channels)
            var dBeta = [Double](repeating: 0, count: channels)
            let dx = [Float](filling: x.count) { dxs in
                x.storage.withBase { xs in
                    dy.storage.withBase { dys in
                        for p in 0..<(x.count / plane) {
                            let c = p % channels
                            let sums = normGradientSums(xs + p * plane, dys + p * plane, count: plane, epsilon: epsilon)
                            dGamma[c] += sums.sumDyNormalized
                            dBeta[c] += sums.sumDy
                            // x̂ = (x - mean) · inverseStd; dx = γ · inverseStd · (dy - mean(dy) - x̂ · mean(dy · x̂))
                            let s = Float(sums.inverseStd)
                            let scale = gamma[c] * s
                            let meanDy = Float(sums.sumDy / Double(plane))
                            let slope = s * Float(sums.sumDyNormalized / Double(plane))
                            let shift = meanDy - Float(sums.mean) * slope
                            mapPlane(xs + p * plane, dys + p * plane, into: dxs + p * plane, count: plane) { x, dy in
                                scale * (dy - shift - x * slope)
                            }
                        }
                    }
                }
            }
            let dInput = needs[0] ? Tensor(shape: x.shape, storage: dx) : nil
            guard needs.count > 1 else { return [dInput] }
            return [dInput,
                    needs[1] ? Tensor(shape: [channels], storage: dGamma.map { Float($0) }) : nil,
                    needs[2] ? Tensor(shape: [channels], storage: dBeta.map { Float($0) }) : nil]
        }
    }
}

/// Elements summed in Float lanes before a run's total moves to Double: long enough to vectorise, short
/// enough that a 128x128 plane loses no precision.
private let runLength = 1024

/// One plane's mean, 1/std, sum(dy) and sum(dy · x̂): two vectorised passes (the mean, then the rest).
private func normGradientSums(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, count: Int, epsilon: Float)
    -> (mean: Double, inverseStd: Double, sumDy: Double, sumDyNormalized: Double) {
    var total = 0.0
    forRuns(count) { range in
        var s = SIMD8<Float>(), tail: Float = 0
        let vectorEnd = range.lowerBound + (range.count & ~7)
        for i in stride(from: range.lowerBound, to: vectorEnd, by: 8) { s += load8(x + i) }
        for i in vectorEnd..<range.upperBound { tail += x[i] }
        total += Double(s.sum() + tail)
    }
    let mean = total / Double(count)
    let m = Float(mean), meanVector = SIMD8<Float>(repeating: m)
    var squares = 0.0, sumDy = 0.0, sumDyCentered = 0.0
    forRuns(count) { range in
        var q = SIMD8<Float>(), g = SIMD8<Float>(), gc = SIMD8<Float>()
        var tq: Float = 0, tg: Float = 0, tgc: Float = 0
        let vectorEnd = range.lowerBound + (range.count & ~7)
        for i in stride(from: range.lowerBound, to: vectorEnd, by: 8) {
            let d = load8(x + i) - meanVector, gradient = load8(dy + i)
            q += d * d
            g += gradient
            gc += gradient * d
        }
        for i in vectorEnd..<range.upperBound {
            let d = x[i] - m
            tq += d * d
            tg += dy[i]
            tgc += dy[i] * d
        }
        squares += Double(q.sum() + tq)
        sumDy += Double(g.sum() + tg)
        sumDyCentered += Double(gc.sum() + tgc)
    }
    let inverseStd = 1 / (squares / Double(count) + Double(epsilon)).squareRoot()
    return (mean, inverseStd, sumDy, sumDyCentered * inverseStd)
}

@inline(__always)
private func forRuns(_ count: Int, _ body: (Range<Int>) -> Void) {
    for start in stride(from: 0, to: count, by: runLength) { body(start..<min(count, start + runLength)) }
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// `out[i] = f(a[i], b[i])`, eight lanes at a time.
@inline(__always)
private func mapPlane(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                      count: Int, _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
    let vectorEnd = count & ~7
    for i in stride(from: 0, to: vectorEnd, by: 8) {
        UnsafeMutableRawPointer(out + i).storeBytes(of: f(load8(a + i), load8(b + i)), as: SIMD8<Float>.self)
    }
    for i in vectorEnd..<count {
        out[i] = f(SIMD8(repeating: a[i]), SIMD8(repeating: b[i]))[0]
    }
}
