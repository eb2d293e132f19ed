/// CycleGAN's schedule: the base rate for the first half of training, then linearly down to zero (the paper's
/// 100 + 100 epochs), applied per step so `--steps` runs decay smoothly too.
package struct LearningRateSchedule: Sendable, Equatable {
    package var baseRate: Double
    package var totalSteps: Int
    /// Steps at the base rate before the decay starts (half of `totalSteps` by default).
    package var constantSteps: Int

    package init(baseRate: Double = 2e-4, totalSteps: Int, constantSteps: Int? = nil) {
        precondition(totalSteps > 0, "a schedule needs at least one step")
        self.baseRate = baseRate
        self.totalSteps = totalSteps
        self.constantSteps = min(constantSteps ?? totalSteps / 2, totalSteps)
    }

    /// The rate for 0-based `step`: reaches `baseRate / decaySteps` on the last step, zero after it.
    package func rate(atStep step: Int) -> Double {
        guard step >= constantSteps else { return baseRate }
        let decaySteps = totalSteps - constantSteps
        return baseRate * max(0, Double(totalSteps - step) / Double(decaySteps))
    }
}
