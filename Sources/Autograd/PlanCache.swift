import KernelsCore

/// Convolution plans (and other packed weights) built during one pass, by the weight (and bias) variables they were built from and
/// what they compute. Within a pass a variable's value never changes, and a CycleGAN step runs each
/// generator three times and each discriminator twice with the same weights: their plans (packed or
/// Winograd-transformed weights) are built once per step instead of once per use.
final class PlanCache {
    enum Role: Hashable {
        case forward
        case inputGradient
        /// The border GEMMs' packed weights of a reflection-padded convolution's data gradient.
        case borderGradient
    }

    struct Key: Hashable {
        let weight: Int
        let bias: Int?
        let role: Role
        let stride: Int
        let padding: Int
        let outputPadding: Int
        var reflect = false
    }

    private var convolutions: [Key: Conv2dPlan] = [:]
    private var transposed: [Key: ConvTranspose2dPlan] = [:]
    private var packed: [Key: [Float]] = [:]

    func convolution(_ key: Key, _ make: () -> Conv2dPlan) -> Conv2dPlan {
        if let plan = convolutions[key] { return plan }
        let plan = make()
        convolutions[key] = plan
        return plan
    }

    func transposedConvolution(_ key: Key, _ make: () -> ConvTranspose2dPlan) -> ConvTranspose2dPlan {
        if let plan = transposed[key] { return plan }
        let plan = make()
        transposed[key] = plan
        return plan
    }

    func packedWeights(_ key: Key, _ make: () -> [Float]) -> [Float] {
        if let values = packed[key] { return values }
        let values = make()
        packed[key] = values
        return values
    }
}
