import Autograd
import NN
import Testing
import Training

@Suite struct OptimizerTests {
    @Test func learningRateIsConstantThenLinearToZero() {
        let schedule = LearningRateSchedule(baseRate: 2e-4, totalSteps: 200)
        #expect(schedule.constantSteps == 100)
        #expect(schedule.rate(atStep: 0) == 2e-4)
        #expect(schedule.rate(atStep: 99) == 2e-4)
        #expect(schedule.rate(atStep: 100) == 2e-4)
        #expect(abs(schedule.rate(atStep: 150) - 1e-4) < 1e-12)
        #expect(abs(schedule.rate(atStep: 199) - 2e-6) < 1e-12)
        #expect(schedule.rate(atStep: 200) == 0)
        let rates = (0..<200).map(schedule.rate(atStep:))
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func imagePoolFillsThenSwapsHalfTheTime() {
        var pool = ImagePool(capacity: 3)
        var rng = SplitMix64(seed: 1)
        func image(_ v: Float) -> Tensor { Tensor(repeating: v, shape: [1, 1, 2, 2]) }
        // Until full, every image is stored and returned as is (a batch of two counts twice).
        let batch = Tensor(shape: [2, 1, 2, 2], storage: [Float](repeating: 1, count: 4) + [Float](repeating: 2, count: 4))
        #expect(pool.query(batch, rng: &rng) == batch)
        #expect(pool.query(image(3), rng: &rng) == image(3))
        #expect(pool.images.count == 3)
        var swapped = 0
        for k in 0..<400 {
            let value = Float(10 + k)
            let out = pool.query(image(value), rng: &rng)
            if out.storage[0] != value {
                swapped += 1
                #expect(out.storage[0] < value)   // an older image came back
            }
            #expect(pool.images.count == 3)
        }
        #expect(swapped > 150 && swapped < 250)
        #expect(ImagePool(capacity: 0).images.isEmpty)
    }

    /// Adam on f(p) = Σ (p - 3)² moves each parameter by ~lr per step at first and converges.
    @Test func adamFollowsPyTorchArithmetic() {
        var parameters = ParameterSet(tensors: ["p": Tensor(shape: [2], storage: [0, 10])])
        var state = AdamState()
        let config = AdamConfig(beta1: 0.9, beta2: 0.999)
        var p = parameters.tensors["p"]?.storage ?? []
        state.update(&parameters, gradients: ["p": Tensor(shape: [2], storage: p.map { 2 * ($0 - 3) })],
                     learningRate: 0.1, config: config, kernels: TrainingKernels())
        p = parameters.tensors["p"]?.storage ?? []
        // First step: m̂ / sqrt(v̂) = sign(g), so each parameter moves by lr.
        #expect(abs(p[0] - 0.1) < 1e-6 && abs(p[1] - 9.9) < 1e-6)
        for _ in 0..<2000 {
            state.update(&parameters, gradients: ["p": Tensor(shape: [2], storage: p.map { 2 * ($0 - 3) })],
                         learningRate: 0.1, config: config, kernels: TrainingKernels())
            p = parameters.tensors["p"]?.storage ?? []
        }
        #expect(state.step == 2001)
        #expect(abs(p[0] - 3) < 1e-2 && abs(p[1] - 3) < 1e-2)
    }
}
