import Foundation

/// Writes files so that a crash, a kill or a full disk never leaves a partial file under the final name:
/// bytes go to a temporary file in the same folder, are flushed to disk, and only then renamed over the
/// target (the previous version stays intact until the rename).
enum AtomicFile {
    static func store(_ bytes: [UInt8], at path: String) throws(TrainingError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .writeFailed(path: path, reason: "cannot create folder \(directory): \(error.localizedDescription)")
            }
        }
        let temporary = path + ".partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(path: path, errno: errno) }
        var written = 0
        var failedErrno: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress.map { $0 + written }, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failedErrno = errno
                    return
                }
                written += n
            }
        }
        if failedErrno == 0 && fsync(fd) != 0 { failedErrno = errno }
        if close(fd) != 0 && failedErrno == 0 { failedErrno = errno }
        guard failedErrno == 0 else {
            unlink(temporary)
            throw failure(path: path, errno: failedErrno)
        }
        guard rename(temporary, path) == 0 else {
            let renameErrno = errno
            unlink(temporary)
            throw failure(path: path, errno: renameErrno)
        }
    }

    private static func failure(path: String, errno code: Int32) -> TrainingError {
        if code == ENOSPC || code == EDQUOT { return .diskFull(path: path) }
        return .writeFailed(path: path, reason: String(cString: strerror(code)))
    }
}
