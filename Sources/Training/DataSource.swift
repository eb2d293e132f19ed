import Foundation
import Imaging
import NN

/// Which file and which augmentation each sample of each step uses: a pure function of (seed, step), so a
/// resumed run sees exactly the data an uninterrupted one would, without saving any loader state.
///
/// Unaligned pairs as in the official `UnalignedDataset`: an epoch is `max(photos, cartoons)` samples; each
/// domain walks its own shuffled order of the epoch, wrapping when it is the smaller one.
package struct DataSource: Sendable {
    package let photos: ImageFolder
    package let cartoons: ImageFolder
    package let photoAugmentation: Augmentation
    package let cartoonAugmentation: Augmentation
    package let batchSize: Int
    package let seed: UInt64
    /// Each photo's avatar, made into the batch's `avatars` (`--teacher-avatars`).
    package let avatars: AvatarFolder?

    package init(photos: ImageFolder, cartoons: ImageFolder, photoAugmentation: Augmentation,
                 cartoonAugmentation: Augmentation, batchSize: Int, seed: UInt64, avatars: AvatarFolder? = nil) {
        self.avatars = avatars
        self.photos = photos
        self.cartoons = cartoons
        self.photoAugmentation = photoAugmentation
        self.cartoonAugmentation = cartoonAugmentation
        self.batchSize = batchSize
        self.seed = seed
    }

    package var samplesPerEpoch: Int { max(photos.files.count, cartoons.files.count) }
    package var stepsPerEpoch: Int { max(1, samplesPerEpoch / batchSize) }

    /// The epoch (0-based) that `step` (0-based) belongs to.
    package func epoch(ofStep step: Int) -> Int { step * batchSize / samplesPerEpoch }

    enum Domain: UInt64 {
        case photo = 1, cartoon = 2
    }

    /// A Fisher-Yates shuffle of `count` indices from the (seed, domain, epoch) stream.
    func order(_ domain: Domain, count: Int, epoch: Int) -> [Int] {
        var rng = SplitMix64.derived(from: seed, domain.rawValue, UInt64(epoch))
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return order
    }

    /// The augmentation stream of one sample.
    func augmentationStream(_ domain: Domain, sample: Int) -> SplitMix64 {
        .derived(from: seed, domain.rawValue + 2, UInt64(sample))
    }
}

/// Decodes image files, remembering which ones failed so they are skipped and counted, not retried.
final class ImageReader {
    private(set) var unreadable: Set<String> = []

    /// The image at `order[position]`, or the next readable one after it in the same order, and its path.
    func image(in folder: ImageFolder, order: [Int], position: Int) throws(TrainingError) -> (path: String, image: RGBImage) {
        for offset in 0..<order.count {
            let path = folder.files[order[(position + offset) % order.count]]
            if unreadable.contains(path) { continue }
            if let image = Self.decode(path) { return (path, image) }
            unreadable.insert(path)
        }
        throw .noReadableImages(folder: folder.root, skipped: folder.files.filter(unreadable.contains).count)
    }

    static func decode(_ path: String) -> RGBImage? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? ImageDecoder.decode([UInt8](data))
    }
}

/// One step's input: `[N, 3, S, S]` photos and cartoons in [-1, 1], and the photos' avatars where the source
/// has them.
package struct TrainingBatch: Sendable {
    package let step: Int
    package let photos: Tensor
    package let cartoons: Tensor
    package let avatars: Tensor?
    /// Files found unreadable so far (skipped).
    package let skippedFiles: Int
}

extension DataSource {
    /// Builds the batch of `step`, reading through `reader` (the producer thread's own).
    func batch(step: Int, reader: ImageReader, orders: inout OrderCache) throws(TrainingError) -> TrainingBatch {
        var photoValues: [Float] = [], cartoonValues: [Float] = [], avatarValues: [Float] = []
        let size = photoAugmentation.cropSize
        for b in 0..<batchSize {
            let sample = step * batchSize + b
            let epoch = sample / samplesPerEpoch, position = sample % samplesPerEpoch
            let photoOrder = orders.order(self, .photo, count: photos.files.count, epoch: epoch)
            let cartoonOrder = orders.order(self, .cartoon, count: cartoons.files.count, epoch: epoch)
            var rng = augmentationStream(.photo, sample: sample)
            let (photoPath, photo) = try reader.image(in: photos, order: photoOrder, position: position % photoOrder.count)
            if let avatars {
                var sameDraws = rng
                avatarValues += try avatars.trainingView(forPhoto: photoPath, photo: photo, augmentation: photoAugmentation,
                                                         rng: &sameDraws)
            }
            photoValues += photoAugmentation.trainingView(photo, rng: &rng)
            rng = augmentationStream(.cartoon, sample: sample)
            let (_, cartoon) = try reader.image(in: cartoons, order: cartoonOrder, position: position % cartoonOrder.count)
            cartoonValues += cartoonAugmentation.trainingView(cartoon, rng: &rng)
        }
        let shape = [batchSize, 3, size, size]
        return TrainingBatch(step: step, photos: Tensor(shape: shape, storage: photoValues),
                             cartoons: Tensor(shape: shape, storage: cartoonValues),
                             avatars: avatars == nil ? nil : Tensor(shape: shape, storage: avatarValues),
                             skippedFiles: reader.unreadable.count)
    }

    /// Up to `count` readable photos for sample sheets, spread evenly over the folder, not augmented.
    package func validationPhotos(from folder: ImageFolder, count: Int) -> Tensor? {
        var values: [Float] = [], found = 0
        // Evenly spaced, not the first files: UTKFace names start with the age, so these span the ages.
        let spread = (0..<folder.files.count).map { folder.files[($0 * max(1, folder.files.count / count)) % folder.files.count] }
        for path in spread where found < count {
            guard let image = ImageReader.decode(path) else { continue }
            values += photoAugmentation.evaluationView(image)
            found += 1
        }
        guard found > 0 else { return nil }
        let size = photoAugmentation.cropSize
        return Tensor(shape: [found, 3, size, size], storage: values)
    }
}

/// The current epoch's shuffled orders, recomputed only when the epoch changes.
struct OrderCache {
    private var cached: [DataSource.Domain: (epoch: Int, order: [Int])] = [:]

    mutating func order(_ source: DataSource, _ domain: DataSource.Domain, count: Int, epoch: Int) -> [Int] {
        if let hit = cached[domain], hit.epoch == epoch { return hit.order }
        let order = source.order(domain, count: count, epoch: epoch)
        cached[domain] = (epoch, order)
        return order
    }
}
