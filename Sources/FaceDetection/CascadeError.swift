/// Why a cascade file could not be loaded. Each case names the element or value at fault.
public enum CascadeError: Error, Equatable, CustomStringConvertible {
    /// The text is not well-formed XML (as far as the cascade subset of XML goes).
    case malformedXML(String)
    /// The XML is well-formed but a cascade field is missing, out of range or inconsistent.
    case invalidCascade(String)
    /// A valid OpenCV cascade of a kind this detector does not evaluate (old format, trees, tilted Haar).
    case unsupported(String)

    public var description: String {
        switch self {
        case .malformedXML(let detail): "malformed cascade XML: \(detail)"
        case .invalidCascade(let detail): "invalid cascade: \(detail)"
        case .unsupported(let detail): "unsupported cascade: \(detail)"
        }
    }
}
