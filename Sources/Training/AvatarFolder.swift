import Foundation
import Imaging
import NN

/// The avatars rendered for the training photos (`scripts/tools/render_avatar_targets.py`), one per photo:
/// `PHOTO_FILE_NAME.png` in one folder. Each is augmented with its photo's own random crop and flip, so the
/// target lines up with the view G is given.
package struct AvatarFolder: Sendable, Equatable {
    package let root: String

    /// Checks that every photo has its avatar before a run starts, rather than failing hours in.
    package init(root: String, photos: ImageFolder) throws(TrainingError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else { throw .missingFolder(root) }
        guard isDirectory.boolValue else { throw .notAFolder(root) }
        self.root = root
        let missing = photos.files.filter { !FileManager.default.fileExists(atPath: path(forPhoto: $0)) }
        if let first = missing.first {
            throw .missingAvatars(folder: root, missing: missing.count, example: (first as NSString).lastPathComponent)
        }
    }

    func path(forPhoto photo: String) -> String {
        (root as NSString).appendingPathComponent((photo as NSString).lastPathComponent + ".png")
    }

    /// The avatar of `photo`, at `photo`'s size, through `augmentation` with the random stream the photo's view
    /// was drawn from.
    func trainingView(forPhoto path: String, photo: RGBImage, augmentation: Augmentation,
                      rng: inout SplitMix64) throws(TrainingError) -> [Float] {
        augmentation.trainingView(try avatar(forPhoto: path, photo: photo), rng: &rng)
    }

    /// The avatar of `photo` as `Augmentation.evaluationView` shows the photo.
    func evaluationView(forPhoto path: String, photo: RGBImage, augmentation: Augmentation) throws(TrainingError) -> [Float] {
        augmentation.evaluationView(try avatar(forPhoto: path, photo: photo))
    }

    /// The avatar of the photo at `path`, at `photo`'s size.
    private func avatar(forPhoto path: String, photo: RGBImage) throws(TrainingError) -> RGBImage {
        let avatarPath = self.path(forPhoto: path)
        guard let avatar = ImageReader.decode(avatarPath) else {
            throw .badAvatar(path: avatarPath)
        }
        return avatar.width == photo.width && avatar.height == photo.height
            ? avatar : avatar.resized(width: photo.width, height: photo.height)
    }
}
