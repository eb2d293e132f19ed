/// Why a weights file or weight dictionary was rejected; every case names the tensor, offset or field.
package enum WeightsError: Error, CustomStringConvertible, Equatable, Sendable {
    case fileAccess(path: String, reason: String)
    case fileTooShort(size: Int)
    case headerTooLarge(length: UInt64, limit: Int)
    case headerPastEnd(length: UInt64, fileSize: Int)
    case malformedHeader(String)
    case unsupportedDType(tensor: String, dtype: String)
    case invalidShape(tensor: String, shape: [Int])
    case invalidOffsets(tensor: String, begin: Int, end: Int)
    case sizeMismatch(tensor: String, dtype: String, shape: [Int], bytes: Int)
    case truncated(tensor: String, end: Int, available: Int)
    case misplacedData(tensor: String, offset: Int, expected: Int)
    case trailingBytes(offset: Int, count: Int)
    case missingTensor(name: String, shape: [Int])
    case unexpectedTensor(name: String, shape: [Int])
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case invalidMetadata(field: String, value: String, reason: String)
    case invalidConfig(String)
    case cannotInfer(String)

    package var description: String {
        switch self {
        case let .fileAccess(path, reason):
            "cannot access weights file \(path): \(reason)"
        case let .fileTooShort(size):
            "weights file is \(size) bytes, shorter than the 8-byte safetensors header length"
        case let .headerTooLarge(length, limit):
            "safetensors header length \(length) exceeds the \(limit)-byte limit"
        case let .headerPastEnd(length, fileSize):
            "safetensors header length \(length) runs past the end of the \(fileSize)-byte file (truncated?)"
        case let .malformedHeader(reason):
            "malformed safetensors header: \(reason)"
        case let .unsupportedDType(tensor, dtype):
            "tensor '\(tensor)' has dtype \(dtype); only F32, F16 and BF16 are supported"
        case let .invalidShape(tensor, shape):
            "tensor '\(tensor)' has invalid shape \(shape)"
        case let .invalidOffsets(tensor, begin, end):
            "tensor '\(tensor)' has invalid data_offsets [\(begin), \(end)]"
        case let .sizeMismatch(tensor, dtype, shape, bytes):
            "tensor '\(tensor)' (\(dtype) \(shape)) spans \(bytes) bytes, which does not match its shape"
        case let .truncated(tensor, end, available):
            "tensor '\(tensor)' ends at data offset \(end) but the data section has only \(available) bytes (truncated file?)"
        case let .misplacedData(tensor, offset, expected):
            "tensor '\(tensor)' starts at data offset \(offset), expected \(expected) (gap or overlap between tensors)"
        case let .trailingBytes(offset, count):
            "\(count) unreferenced bytes after the last tensor at data offset \(offset)"
        case let .missingTensor(name, shape):
            "missing tensor '\(name)' (expected shape \(shape))"
        case let .unexpectedTensor(name, shape):
            "unexpected tensor '\(name)' with shape \(shape) for this architecture"
        case let .shapeMismatch(name, expected, found):
            "tensor '\(name)' has shape \(found), expected \(expected)"
        case let .invalidMetadata(field, value, reason):
            "metadata field '\(field)' = '\(value)': \(reason)"
        case let .invalidConfig(reason):
            "invalid generator configuration: \(reason)"
        case let .cannotInfer(reason):
            "cannot infer the generator configuration: \(reason)"
        }
    }
}

/// An input the generator cannot process, reported before any work is done.
package enum GeneratorInputError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidShape(shape: [Int], reason: String)

    package var description: String {
        switch self {
        case let .invalidShape(shape, reason): "generator input shape \(shape) is invalid: \(reason)"
        }
    }
}
