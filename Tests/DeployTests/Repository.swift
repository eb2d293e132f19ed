import Foundation

/// Paths inside the checkout. Tests read the deploy files where they are committed, not copies in the test
/// bundle, so a test always checks the file that ships.
enum Repository {
    static let root: URL = URL(filePath: #filePath)
        .deletingLastPathComponent()  // DeployTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The API description: a resource of the server, which serves it at `GET /openapi.yaml`.
    static let apiDescription = "Sources/CartoonService/Web/openapi.yaml"

    static func url(_ relativePath: String) -> URL {
        root.appending(path: relativePath)
    }

    static func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }
}
