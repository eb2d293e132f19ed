import Foundation

/// The splitmix64 generator (Steele, Lea, Flood 2014).
///
/// Chosen because it is tiny and trivially reproducible in Python (scripts/fixtures/make_nn_fixtures.py), so large
/// reference weights can be regenerated from a seed instead of being committed.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package private(set) var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) from the top 53 bits, computed in Double so Python's float gives the same value.
    package mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [-bound, bound), rounded once to Float (bit-identical to the Python twin).
    package mutating func nextUniform(bound: Double) -> Float {
        Float((nextUnit() * 2 - 1) * bound)
    }

    /// Standard normal by Box-Muller (one value per call; the sine half is discarded for simplicity).
    package mutating func nextGaussian() -> Double {
        let u1 = 1 - nextUnit()  // (0, 1]: log stays finite
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
