import NN

extension SplitMix64 {
    /// An independent stream for one sub-task (the data order of an epoch, one sample's augmentation), so the
    /// data pipeline can start at any step without replaying the main stream.
    package static func derived(from seed: UInt64, _ keys: UInt64...) -> SplitMix64 {
        var rng = SplitMix64(seed: seed)
        for key in keys { rng = SplitMix64(seed: rng.next() ^ (key &* 0xD1B5_4A32_D192_ED03)) }
        return rng
    }
}
