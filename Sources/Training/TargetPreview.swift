import Autograd
import Foundation
import Imaging
import NN

/// The distillation target a run would hold G to, made for photos as they are (no crop or flip jitter) and
/// written out before hours go into it (`cartoonify-train target`): a sheet of photo | teacher | target rows,
/// and/or one PNG per photo (`PHOTO_FILE_NAME.png`), which `cartoonify eval --photos` then scores as they are.
package struct TargetPreview: Sendable {
    package var teacher: String
    package var target = TeacherTarget()
    package var photos: String
    /// Folder of the photos' avatars, where `target` uses them.
    package var avatars: String?
    package var size = 128
    package var preprocessing = SquarePreprocessing.pad
    /// Photos, spread evenly over the folder; nil = every photo.
    package var count: Int? = 8
    package var sheet: String?
    package var each: String?
    package var kernels = TrainingKernels()
    /// A sheet holds every row in memory and in one PNG: 64 rows of 128 px is already 8,192 px tall.
    package static let maxSheetRows = 64

    package init(teacher: String, photos: String) {
        self.teacher = teacher
        self.photos = photos
    }

    /// Writes what was asked for and returns how many photos went in; unreadable photos are skipped.
    package func write() throws(TrainingError) -> Int {
        guard sheet != nil || each != nil else { throw .invalidOption("give --sheet FILE, --each FOLDER or both") }
        if let count, count < 1 { throw .invalidOption("--count must be at least 1") }
        try target.validate(hasTeacher: true)
        guard (target.avatars != .none) == (avatars != nil) else {
            throw .invalidOption("--teacher-avatars FOLDER and the avatar options go together")
        }
        let generator = try TeacherGenerator(path: teacher, inputSize: size, target: target)
        let folder = try ImageFolder(scanning: photos)
        let avatarFolder = try avatars.map { root throws(TrainingError) in try AvatarFolder(root: root, photos: folder) }
        let augmentation = Augmentation(preprocessing: preprocessing, cropSize: size, flip: false)
        let chosen = count.map { Self.spread(folder.files, count: $0) } ?? folder.files
        if sheet != nil, chosen.count > Self.maxSheetRows {
            throw .invalidOption("--sheet takes at most \(Self.maxSheetRows) photos, not \(chosen.count): "
                + "give --count, or --each FOLDER alone")
        }
        var columns: [[Float]] = [[], [], []]
        var written = 0
        for batch in stride(from: 0, to: chosen.count, by: 8).map({ Array(chosen[$0..<min($0 + 8, chosen.count)]) }) {
            var names: [String] = [], photoValues: [Float] = [], avatarValues: [Float] = []
            for path in batch {
                guard let image = ImageReader.decode(path) else { continue }
                names.append((path as NSString).lastPathComponent)
                photoValues += augmentation.evaluationView(image)
                if let avatarFolder { avatarValues += try avatarFolder.evaluationView(forPhoto: path, photo: image, augmentation: augmentation) }
            }
            guard !names.isEmpty else { continue }
            let shape = [names.count, 3, size, size]
            let photoTensor = Tensor(shape: shape, storage: photoValues)
            let cartoons = generator.cartoons(for: photoTensor, kernels: kernels)
            let made = target.made(from: cartoons, photos: photoTensor,
                                   avatars: avatarFolder == nil ? nil : Tensor(shape: shape, storage: avatarValues)).target
            if let each { try Self.store(made, names: names, in: each, size: size) }
            if sheet != nil {
                columns[0] += photoValues
                columns[1] += cartoons.storage
                columns[2] += made.storage
            }
            written += names.count
        }
        guard written > 0 else { throw .invalidOption("no readable photos in \(photos)") }
        if let sheet {
            let shape = [written, 3, size, size]
            try AtomicFile.store(try SampleSheet.png(columns: columns.map { Tensor(shape: shape, storage: $0) }), at: sheet)
        }
        return written
    }

    /// `count` files spread evenly over `files` (UTKFace names start with the age, so they span the ages).
    static func spread(_ files: [String], count: Int) -> [String] {
        guard files.count > count else { return files }
        return (0..<count).map { files[$0 * files.count / count] }
    }

    private static func store(_ images: Tensor, names: [String], in folder: String, size: Int) throws(TrainingError) {
        let plane = 3 * size * size
        for (i, name) in names.enumerated() {
            let image = RGBImage(planarFloats: Array(images.storage[(i * plane)..<((i + 1) * plane)]), width: size, height: size)
            let path = (folder as NSString).appendingPathComponent(name + ".png")
            let png: [UInt8]
            do {
                png = try PNGEncoder.encode(image)
            } catch {
                throw .writeFailed(path: path, reason: error.description)
            }
            try AtomicFile.store(png, at: path)
        }
    }
}
