import NN

/// Instance normalisation layer; `weight`/`bias` are present only for affine=True checkpoints.
package struct InstanceNorm2d: Sendable {
    package let channels: Int
    package let weight: Tensor?
    package let bias: Tensor?
    package let eps: Float

    package init(channels: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) {
        precondition((weight == nil) == (bias == nil), "InstanceNorm2d: weight and bias come together")
        self.channels = channels
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    package func forward(_ input: Tensor) -> Tensor {
        instanceNorm2d(input, weight: weight, bias: bias, eps: eps)
    }
}

/// Instance normalisation (PyTorch `InstanceNorm2d` in training-mode statistics, which CycleGAN uses at
/// inference too): each (n, c) plane is shifted to mean 0 and scaled by 1/sqrt(biased variance + eps),
/// then, when `weight`/`bias` ([C]) are given (affine=True checkpoints), scaled and shifted per channel.
package func instanceNorm2d(_ input: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
    let (n, c, h, w) = input.nchw
    precondition(weight.map { $0.shape == [c] } ?? true, "instanceNorm2d: weight shape must be [\(c)]")
    precondition(bias.map { $0.shape == [c] } ?? true, "instanceNorm2d: bias shape must be [\(c)]")
    let plane = h * w
    precondition(plane > 0, "instanceNorm2d: empty plane")
    var output = input.storage
    output.withUnsafeMutableBufferPointer { y in
        for index in 0..<(n * c) {
            let channel = index % c
            let values = UnsafeMutableBufferPointer(rebasing: y[(index * plane)..<((index + 1) * plane)])
            let stats = planeStatistics(UnsafeBufferPointer(values))
            let gamma = weight?.storage[channel] ?? 1
            let beta = bias?.storage[channel] ?? 0
            let scale = gamma / (stats.variance + eps).squareRoot()
            let shift = beta - stats.mean * scale
            for i in values.indices { values[i] = values[i] * scale + shift }
        }
    }
    return Tensor(shape: input.shape, storage: output)
}

/// Mean and biased variance, two-pass with Double accumulation so large planes lose no precision.
func planeStatistics(_ values: UnsafeBufferPointer<Float>) -> (mean: Float, variance: Float) {
    var sum = SIMD8<Double>()
    let vectorCount = values.count / 8
    let raw = UnsafeRawPointer(values.baseAddress.unsafelyUnwrapped)
    for v in 0..<vectorCount {
        sum += SIMD8<Double>(raw.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self))
    }
    var total = sum.sum()
    for i in (vectorCount * 8)..<values.count { total += Double(values[i]) }
    let mean = total / Double(values.count)

    var squares = SIMD8<Double>()
    let meanVector = SIMD8<Double>(repeating: mean)
    for v in 0..<vectorCount {
        let d = SIMD8<Double>(raw.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self)) - meanVector
        squares += d * d
    }
    var squareTotal = squares.sum()
    for i in (vectorCount * 8)..<values.count {
        let d = Double(values[i]) - mean
        squareTotal += d * d
    }
    return (Float(mean), Float(squareTotal / Double(values.count)))
}
