import Foundation

/// The cascades FaceDetection ships as package resources (scripts/fixtures/make_cascade_resources.py writes them).
/// SwiftPM copies them into `cartoonify_FaceDetection.resources/Resources` next to every executable it
/// builds; the Docker image keeps that folder beside the server. Found by hand rather than through
/// `Bundle.module`, whose accessor traps when the bundle is missing: here that is a start-up error.
package enum CascadeResources {
    package static let faceCascade = "haarcascade_frontalface_default.xml"
    package static let eyeCascade = "haarcascade_eye.xml"
    /// Names another folder holding both files; the executables read it and pass `directory(override:)` on.
    package static let environmentVariable = "CARTOONIFY_CASCADES"

    /// The folder named by `override` (the variable's value) when it is set and not empty, else the default.
    package static func directory(override: String?) -> URL {
        guard let override, !override.isEmpty else { return defaultDirectory }
        return URL(fileURLWithPath: override, isDirectory: true)
    }

    /// The resource folder beside the running executable.
    package static var defaultDirectory: URL {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".")
        return executable.deletingLastPathComponent()
            .appendingPathComponent("cartoonify_FaceDetection.resources/Resources", isDirectory: true)
    }

    /// The text of one cascade file; a missing or unreadable file names its path.
    static func text(_ name: String, in directory: URL) throws(CascadeError) -> String {
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .missingFile(url.path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .malformedXML("\(url.path) is not UTF-8 text")
        }
        return text
    }
}
