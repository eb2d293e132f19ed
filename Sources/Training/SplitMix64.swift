import Foundation

/// The trainer's only source of randomness: SplitMix64, one 64-bit word of state, so a checkpoint stores it
/// exactly and `--seed` reproduces a run. The Python fixture script implements the same generator.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits (identical to the Python script's `(x >> 11) * 2**-53`).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal by Box-Muller (one value per call; the second is dropped to keep the state simple).
    public mutating func normal() -> Double {
        let u1 = 1 - uniform()   // (0, 1]: log stays finite
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// An independent stream for a sub-task (data order of one epoch, one sample's augmentation), so the data
    /// pipeline can restart anywhere without replaying the main stream.
    public static func derived(from seed: UInt64, _ keys: UInt64...) -> SplitMix64 {
        var rng = SplitMix64(seed: seed)
        for key in keys { rng = SplitMix64(seed: rng.next() ^ (key &* 0xD1B5_4A32_D192_ED03)) }
        return rng
    }
}
