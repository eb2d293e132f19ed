import Imaging

/// Why a photo did not become a cartoon; the server maps each case to an HTTP status, the CLI to a message.
package enum PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The upload is not a readable JPEG or PNG within the limits, or the result could not be encoded.
    case image(ImageError)
    /// The caller gave up between stages (`isAbandoned`).
    case abandoned

    package var description: String {
        switch self {
        case .image(let error): "\(error)"
        case .abandoned: "abandoned: nobody waits for the result any more"
        }
    }
}
