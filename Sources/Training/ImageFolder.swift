import Foundation

/// The image files of one training domain: every .jpg/.jpeg/.png below `root` (any depth, any case, hidden
/// entries skipped), sorted by path so the data order depends only on the seed. Other files (Cartoonset's
/// CSVs) are ignored.
package struct ImageFolder: Sendable, Equatable {
    package let root: String
    package let files: [String]

    package static let extensions: Set<String> = ["jpg", "jpeg", "png"]

    package init(scanning root: String) throws(TrainingError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw .missingFolder(root)
        }
        guard isDirectory.boolValue else { throw .notAFolder(root) }
        let base = URL(fileURLWithPath: root)
        var files: [String] = []
        // Hidden entries (macOS `._name.jpg` resource forks, `.cache/`) are never training images.
        if let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey],
                                                       options: [.skipsHiddenFiles]) {
            for case let url as URL in walker where Self.extensions.contains(url.pathExtension.lowercased()) {
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                    files.append(url.path)
                }
            }
        }
        guard !files.isEmpty else { throw .noImages(folder: root) }
        self.root = root
        self.files = files.sorted()
    }
}
