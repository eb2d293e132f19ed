/// Why a cascade file could not be loaded. Each case names the element or value at fault.
package enum CascadeError: Error, Equatable, CustomStringConvertible {
    /// The text is not well-formed XML (as far as the cascade subset of XML goes).
    case malformedXML(String)
    /// The XML is well-formed but a cascade field is missing, out of range or inconsistent.
    case invalidCascade(String)
    /// A valid OpenCV cascade of a kind this detector does not evaluate (old format, trees, tilted Haar).
    case unsupported(String)
    /// A cascade file the detector ships with is not where it should be (or cannot be read).
    case missingFile(String)

    package var description: String {
        switch self {
        case .malformedXML(let detail): "malformed cascade XML: \(detail)"
        case .invalidCascade(let detail): "invalid cascade: \(detail)"
        case .unsupported(let detail): "unsupported cascade: \(detail)"
        case .missingFile(let path): "cannot read cascade file \(path)"
        }
    }

    /// The same error, saying which file it came from.
    func inFile(_ name: String) -> CascadeError {
        switch self {
        case .malformedXML(let detail): .malformedXML("\(name): \(detail)")
        case .invalidCascade(let detail): .invalidCascade("\(name): \(detail)")
        case .unsupported(let detail): .unsupported("\(name): \(detail)")
        case .missingFile: self
        }
    }
}
