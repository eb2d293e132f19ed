import Tensor

extension Tape {
    /// Instance normalisation as PyTorch's `InstanceNorm2d` (biased variance, no running statistics): each
    /// image's channel plane is normalised on its own, then scaled by `weight` and shifted by `bias` when the
    /// layer is affine (both or neither). Plane statistics are accumulated in Double: planes reach 128x128.
    public func instanceNorm(_ input: Variable, weight: Variable? = nil, bias: Variable? = nil, epsilon: Float = 1e-5) -> Variable {
        let x = value(input)
        precondition(x.shape.count == 4 && x.count > 0, "instance norm needs an NCHW input, got \(x.shape)")
        precondition((weight == nil) == (bias == nil), "affine instance norm needs both weight and bias")
        let channels = x.shape[1], plane = x.shape[2] * x.shape[3]
        let planes = x.shape[0] * channels
        let gamma = weight.map { value($0).storage } ?? [Float](repeating: 1, count: channels)
        let beta = bias.map { value($0).storage } ?? [Float](repeating: 0, count: channels)
        var normalized = [Float](repeating: 0, count: x.count)
        var inverseStd = [Float](repeating: 0, count: planes)
        var out = [Float](repeating: 0, count: x.count)
        x.storage.withBase { xs in
            normalized.withMutableBase { ns in
                out.withMutableBase { ys in
                    for p in 0..<planes {
                        let base = p * plane
                        var sum = 0.0
                        for i in base..<(base + plane) { sum += Double(xs[i]) }
                        let mean = sum / Double(plane)
                        var squares = 0.0
                        for i in base..<(base + plane) {
                            let d = Double(xs[i]) - mean
                            squares += d * d
                        }
                        let invStd = 1 / (squares / Double(plane) + Double(epsilon)).squareRoot()
                        inverseStd[p] = Float(invStd)
                        let (g, b) = (gamma[p % channels], beta[p % channels])
                        let (m, s) = (Float(mean), Float(invStd))
                        for i in base..<(base + plane) {
                            let n = (xs[i] - m) * s
                            ns[i] = n
                            ys[i] = n * g + b
                        }
                    }
                }
            }
        }
        let output = Tensor(shape: x.shape, storage: out)
        let inputs = [input] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
        return record(output, inputs: inputs) { dy, needs in
            var dx = [Float](repeating: 0, count: x.count)
            var dGamma = [Double](repeating: 0, count: channels)
            var dBeta = [Double](repeating: 0, count: channels)
            dy.storage.withBase { dys in
                normalized.withBase { ns in
                    dx.withMutableBase { dxs in
                        for p in 0..<planes {
                            let base = p * plane, c = p % channels
                            var sumDy = 0.0, sumDyN = 0.0
                            for i in base..<(base + plane) {
                                sumDy += Double(dys[i])
                                sumDyN += Double(dys[i]) * Double(ns[i])
                            }
                            dGamma[c] += sumDyN
                            dBeta[c] += sumDy
                            guard needs[0] else { continue }
                            // dx = γ/σ · (dy - mean(dy) - x̂ · mean(dy · x̂))
                            let g = gamma[c]
                            let meanDy = Float(sumDy / Double(plane)), meanDyN = Float(sumDyN / Double(plane))
                            let scale = g * inverseStd[p]
                            for i in base..<(base + plane) {
                                dxs[i] = scale * (dys[i] - meanDy - ns[i] * meanDyN)
                            }
                        }
                    }
                }
            }
            guard needs.count > 1 else { return [Tensor(shape: x.shape, storage: dx)] }
            return [needs[0] ? Tensor(shape: x.shape, storage: dx) : nil,
                    needs[1] ? Tensor(shape: [channels], storage: dGamma.map { Float($0) }) : nil,
                    needs[2] ? Tensor(shape: [channels], storage: dBeta.map { Float($0) }) : nil]
        }
    }
}
