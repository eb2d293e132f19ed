/// Everything that stops a training run, each with a sentence a person can act on.
package enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingFolder(String)
    case notAFolder(String)
    case noImages(folder: String)
    case noReadableImages(folder: String, skipped: Int)
    case invalidOption(String)
    case writeFailed(path: String, reason: String)
    case diskFull(path: String)
    case badCheckpoint(path: String, reason: String)
    case checkpointMismatch(String)
    case missingAvatars(folder: String, missing: Int, example: String)
    case badAvatar(path: String)

    package var description: String {
        switch self {
        case .missingFolder(let path): "folder \(path) does not exist"
        case .notAFolder(let path): "\(path) is not a folder"
        case .noImages(let folder): "folder \(folder) holds no .jpg, .jpeg or .png images (searched recursively)"
        case .noReadableImages(let folder, let skipped):
            "none of the \(skipped) images in \(folder) could be decoded"
        case .invalidOption(let message): message
        case .writeFailed(let path, let reason): "could not write \(path): \(reason)"
        case .diskFull(let path): "the disk is full: could not write \(path) (the previous file, if any, is intact)"
        case .badCheckpoint(let path, let reason): "checkpoint \(path) is unusable: \(reason)"
        case .checkpointMismatch(let message): "checkpoint does not match this run: \(message)"
        case .missingAvatars(let folder, let missing, let example):
            "--teacher-avatars \(folder) lacks the avatars of \(missing) photo(s), e.g. \(example).png "
                + "(render them with scripts/tools/render_avatar_targets.py)"
        case .badAvatar(let path): "avatar \(path) could not be read or decoded"
        }
    }
}
