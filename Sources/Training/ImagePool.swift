import NN

/// The history of generated images the discriminators are trained on (Shrivastava et al., CycleGAN's
/// `ImagePool`): until full every fake is stored and returned; after that each fake is, with probability
/// 1/2, swapped for a random stored one. This damps the generator/discriminator oscillation.
package struct ImagePool: Sendable {
    package let capacity: Int
    /// Stored images, each `[1, C, H, W]`.
    package private(set) var images: [Tensor]

    package init(capacity: Int = 50, images: [Tensor] = []) {
        self.capacity = capacity
        self.images = images
    }

    /// Returns the batch the discriminator sees in place of `batch` (`[N, C, H, W]`).
    package mutating func query(_ batch: Tensor, rng: inout SplitMix64) -> Tensor {
        guard capacity > 0 else { return batch }
        let n = batch.shape[0], plane = batch.count / n
        let single = [1] + batch.shape.dropFirst()
        var out = [Float]()
        out.reserveCapacity(batch.count)
        for k in 0..<n {
            let image = Tensor(shape: single, storage: Array(batch.storage[(k * plane)..<((k + 1) * plane)]))
            if images.count < capacity {
                images.append(image)
                out.append(contentsOf: image.storage)
            } else if rng.nextUnit() > 0.5 {
                let slot = Int(rng.next() % UInt64(capacity))
                out.append(contentsOf: images[slot].storage)
                images[slot] = image
            } else {
                out.append(contentsOf: image.storage)
            }
        }
        return Tensor(shape: batch.shape, storage: out)
    }
}
