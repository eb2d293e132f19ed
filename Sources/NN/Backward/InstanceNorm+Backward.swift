import Tensor

extension Tape {
    /// Instance normalisation (`instanceNorm2d` of the engine, PyTorch's `InstanceNorm2d`, biased variance, no
    /// running statistics), affine when `weight` and `bias` are given. The pullback recomputes each plane's
    /// statistics in Double (planes reach 128x128) instead of keeping the normalised copy from the forward.
    public func instanceNorm(_ input: Variable, weight: Variable? = nil, bias: Variable? = nil, epsilon: Float = 1e-5) -> Variable {
        precondition((weight == nil) == (bias == nil), "affine instance norm needs both weight and bias")
        let x = value(input)
        let gammaTensor = weight.map { value($0) }
        let output = EngineForward.instanceNorm(x, gammaTensor, bias.map { value($0) }, eps: epsilon)
        let channels = x.shape[1], plane = x.shape[2] * x.shape[3]
        let inputs = [input] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
        return record(output, inputs: inputs) { dy, needs in
            let gamma = gammaTensor?.storage ?? [Float](repeating: 1, count: channels)
            var dx = [Float](repeating: 0, count: x.count)
            var dGamma = [Double](repeating: 0, count: channels)
            var dBeta = [Double](repeating: 0, count: channels)
            x.storage.withBase { xs in
                dy.storage.withBase { dys in
                    dx.withMutableBase { dxs in
                        for p in 0..<(x.count / plane) {
                            let base = p * plane, c = p % channels
                            var sum = 0.0
                            for i in base..<(base + plane) { sum += Double(xs[i]) }
                            let mean = sum / Double(plane)
                            var squares = 0.0
                            for i in base..<(base + plane) { squares += (Double(xs[i]) - mean) * (Double(xs[i]) - mean) }
                            let inverseStd = 1 / (squares / Double(plane) + Double(epsilon)).squareRoot()
                            // x̂ = (x - mean) · inverseStd; dx = γ · inverseStd · (dy - mean(dy) - x̂ · mean(dy · x̂))
                            var sumDy = 0.0, sumDyN = 0.0
                            for i in base..<(base + plane) {
                                sumDy += Double(dys[i])
                                sumDyN += Double(dys[i]) * (Double(xs[i]) - mean) * inverseStd
                            }
                            dGamma[c] += sumDyN
                            dBeta[c] += sumDy
                            let (m, s) = (Float(mean), Float(inverseStd))
                            let meanDy = Float(sumDy / Double(plane)), meanDyN = Float(sumDyN / Double(plane))
                            let scale = gamma[c] * s
                            for i in base..<(base + plane) {
                                dxs[i] = scale * (dys[i] - meanDy - (xs[i] - m) * s * meanDyN)
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
