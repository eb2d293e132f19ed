import NN
import Parallel

extension Tape {
    /// Instance normalisation (PyTorch's `InstanceNorm2d`, biased variance, no running statistics), affine when
    /// `weight` and `bias` are given, followed by a ReLU when `relu` (the generator's norm-ReLU pairs: one
    /// op instead of two passes more each way). Planes are independent, so both passes split them across
    /// the cores; each plane's mean and 1/std are kept from the forward for the pullback (two floats a
    /// plane, instead of the normalised copy or a second pass over the input to recompute them).
    package func instanceNorm(_ input: Variable, weight: Variable? = nil, bias: Variable? = nil, epsilon: Float = 1e-5,
                             relu: Bool = false) -> Variable {
        precondition((weight == nil) == (bias == nil), "affine instance norm needs both weight and bias")
        let x = value(input)
        let (batch, channels, height, width) = x.nchw
        let plane = height * width, planes = batch * channels
        precondition(plane > 0, "instanceNorm: empty plane")
        let gamma = weight.map { value($0).storage }, beta = bias.map { value($0).storage }
        precondition(gamma.map { $0.count == channels } ?? true, "instanceNorm: weight shape must be [\(channels)]")
        precondition(beta.map { $0.count == channels } ?? true, "instanceNorm: bias shape must be [\(channels)]")
        var moments = [Double](repeating: 0, count: 2 * planes)
        let context = kernels.context
        let output = [Float](filling: x.count) { ys in
            x.storage.withBase { xs in
                moments.withUnsafeMutableBufferPointer { ms in
                    parallelRanges(planes, context: context, work: 3 * x.count) { range in
                        for p in range {
                            let c = p % channels, source = xs + p * plane
                            let (mean, inverseStd) = planeMoments(source, count: plane, epsilon: epsilon)
                            ms[2 * p] = mean
                            ms[2 * p + 1] = inverseStd
                            let scale = (gamma?[c] ?? 1) * Float(inverseStd)
                            let shift = (beta?[c] ?? 0) - Float(mean) * scale
                            if relu {
                                mapPlane(source, source, into: ys + p * plane, count: plane) { x, _ in
                                    let y = x * scale + shift
                                    return y.replacing(with: 0, where: y .< 0)
                                }
                            } else {
                                mapPlane(source, source, into: ys + p * plane, count: plane) { x, _ in x * scale + shift }
                            }
                        }
                    }
                }
            }
        }
        let statistics = moments
        let inputs = [input] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
        return record(Tensor(shape: x.shape, storage: output), inputs: inputs) { dy, needs in
            // Per plane: sum(dy), sum(dy · x̂), combined per channel in batch order afterwards.
            var sums = [Double](repeating: 0, count: 2 * planes)
            let dx = [Float](filling: x.count) { dxs in
                x.storage.withBase { xs in
                    dy.storage.withBase { dys in
                        output.withBase { ys in
                        sums.withUnsafeMutableBufferPointer { ss in
                            parallelRanges(planes, context: context, work: 2 * x.count) { range in
                                // Behind the ReLU, the gradient reaching the norm: dy where the output is positive.
                                let masked = relu ? UnsafeMutablePointer<Float>.allocate(capacity: plane) : nil
                                defer { masked?.deallocate() }
                                for p in range {
                                    let offset = p * plane
                                    let mean = statistics[2 * p], inverseStd = statistics[2 * p + 1]
                                    let dys = maskedGradient(dys + offset, output: ys + offset, into: masked, count: plane)
                                    let (sumDy, sumDyCentered) = gradientSums(xs + offset, dys, mean: Float(mean),
                                                                              count: plane)
                                    let sumDyNormalized = sumDyCentered * inverseStd
                                    ss[2 * p] = sumDy
                                    ss[2 * p + 1] = sumDyNormalized
                                    // x̂ = (x - mean) · inverseStd; dx = γ · inverseStd · (dy - mean(dy) - x̂ · mean(dy · x̂))
                                    let s = Float(inverseStd)
                                    let scale = (gamma?[p % channels] ?? 1) * s
                                    let meanDy = Float(sumDy / Double(plane))
                                    let slope = s * Float(sumDyNormalized / Double(plane))
                                    let shift = meanDy - Float(mean) * slope
                                    mapPlane(xs + offset, dys, into: dxs + offset, count: plane) { x, dy in
                                        scale * (dy - shift - x * slope)
                                    }
                                }
                            }
                        }
                        }
                    }
                }
            }
            let dInput = needs[0] ? Tensor(shape: x.shape, storage: dx) : nil
            guard needs.count > 1 else { return [dInput] }
            var dGamma = [Double](repeating: 0, count: channels), dBeta = [Double](repeating: 0, count: channels)
            for p in 0..<planes {
                dBeta[p % channels] += sums[2 * p]
                dGamma[p % channels] += sums[2 * p + 1]
            }
            return [dInput,
                    needs[1] ? Tensor(shape: [channels], storage: dGamma.map { Float($0) }) : nil,
                    needs[2] ? Tensor(shape: [channels], storage: dBeta.map { Float($0) }) : nil]
        }
    }
}

/// Elements summed in Float lanes before a run's total moves to Double: long enough to vectorise, short
/// enough that a 128x128 plane loses no precision.
private let runLength = 1024

/// One plane's mean and 1/sqrt(biased variance + epsilon): two vectorised passes (the mean, then the
/// centred squares).
private func planeMoments(_ x: UnsafePointer<Float>, count: Int, epsilon: Float) -> (mean: Double, inverseStd: Double) {
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
    var squares = 0.0
    forRuns(count) { range in
        var q = SIMD8<Float>(), tq: Float = 0
        let vectorEnd = range.lowerBound + (range.count & ~7)
        for i in stride(from: range.lowerBound, to: vectorEnd, by: 8) {
            let d = load8(x + i) - meanVector
            q += d * d
        }
        for i in vectorEnd..<range.upperBound {
            let d = x[i] - m
            tq += d * d
        }
        squares += Double(q.sum() + tq)
    }
    return (mean, 1 / (squares / Double(count) + Double(epsilon)).squareRoot())
}

/// `dy` itself, or (with `into`) `dy` zeroed where the ReLU's `output` is not positive, written to `into`.
private func maskedGradient(_ dy: UnsafePointer<Float>, output: UnsafePointer<Float>,
                            into masked: UnsafeMutablePointer<Float>?, count: Int) -> UnsafePointer<Float> {
    guard let masked else { return dy }
    mapPlane(dy, output, into: masked, count: count) { g, y in g.replacing(with: 0, where: y .<= 0) }
    return UnsafePointer(masked)
}

/// sum(dy) and sum(dy · (x - mean)) of one plane, in one vectorised pass.
private func gradientSums(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, mean m: Float, count: Int)
    -> (sumDy: Double, sumDyCentered: Double) {
    let meanVector = SIMD8<Float>(repeating: m)
    var sumDy = 0.0, sumDyCentered = 0.0
    forRuns(count) { range in
        var g = SIMD8<Float>(), gc = SIMD8<Float>()
        var tg: Float = 0, tgc: Float = 0
        let vectorEnd = range.lowerBound + (range.count & ~7)
        for i in stride(from: range.lowerBound, to: vectorEnd, by: 8) {
            let gradient = load8(dy + i)
            g += gradient
            gc += gradient * (load8(x + i) - meanVector)
        }
        for i in vectorEnd..<range.upperBound {
            tg += dy[i]
            tgc += dy[i] * (x[i] - m)
        }
        sumDy += Double(g.sum() + tg)
        sumDyCentered += Double(gc.sum() + tgc)
    }
    return (sumDy, sumDyCentered)
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
