import Foundation

/// A safetensors file: named Float32 tensors and string metadata.
///
/// Reading validates everything a hostile or damaged file could get wrong (header length and JSON,
/// dtypes, shapes, offsets, truncation) and widens F16/BF16 to Float32; writing produces F32 only.
package struct SafeTensorsFile: Sendable {
    package var tensors: [String: Tensor]
    package var metadata: [String: String]

    /// Refuse headers above this size before allocating or parsing anything.
    package static let maxHeaderLength = 100 * 1024 * 1024

    package init(tensors: [String: Tensor], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    package init(bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try SafeTensorsFile(parsing: $0) }
    }

    /// Reads the file memory-mapped, so the only copy made is the conversion into the tensors.
    package static func read(from url: URL) throws -> SafeTensorsFile {
        let data = try mappedContents(of: url)
        return try data.withUnsafeBytes { try SafeTensorsFile(parsing: $0) }
    }

    static func mappedContents(of url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw WeightsError.fileAccess(path: url.path, reason: "read failed: \(error.localizedDescription)")
        }
    }

    init(parsing buffer: UnsafeRawBufferPointer) throws {
        guard buffer.count >= 8 else { throw WeightsError.fileTooShort(size: buffer.count) }
        let headerLength = UInt64(littleEndian: buffer.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(Self.maxHeaderLength) else {
            throw WeightsError.headerTooLarge(length: headerLength, limit: Self.maxHeaderLength)
        }
        guard headerLength <= UInt64(buffer.count - 8) else {
            throw WeightsError.headerPastEnd(length: headerLength, fileSize: buffer.count)
        }
        let dataStart = 8 + Int(headerLength)
        let header: SafeTensorsHeader
        do {
            header = try JSONDecoder().decode(SafeTensorsHeader.self, from: Data(buffer[8..<dataStart]))
        } catch {
            throw WeightsError.malformedHeader(Self.describe(error))
        }
        let data = UnsafeRawBufferPointer(rebasing: buffer[dataStart...])

        var expectedOffset = 0
        var tensors: [String: Tensor] = [:]
        let ordered = header.entries.sorted { ($0.value.dataOffsets.first ?? 0, $0.key) < ($1.value.dataOffsets.first ?? 0, $1.key) }
        for (name, entry) in ordered {
            let range = try Self.checkedRange(name: name, entry: entry, available: data.count)
            guard range.lowerBound == expectedOffset else {
                throw WeightsError.misplacedData(tensor: name, offset: range.lowerBound, expected: expectedOffset)
            }
            tensors[name] = Self.widen(UnsafeRawBufferPointer(rebasing: data[range]), dtype: entry.dtype, shape: entry.shape)
            expectedOffset = range.upperBound
        }
        guard expectedOffset == data.count else {
            throw WeightsError.trailingBytes(offset: expectedOffset, count: data.count - expectedOffset)
        }
        self.init(tensors: tensors, metadata: header.metadata)
    }

    /// The byte range of one tensor inside the data section, after every check its header entry needs.
    private static func checkedRange(name: String, entry: SafeTensorsHeader.Entry, available: Int) throws -> Range<Int> {
        guard let elementSize = SafeTensorsHeader.dtypeSizes[entry.dtype] else {
            throw WeightsError.unsupportedDType(tensor: name, dtype: entry.dtype)
        }
        var elements = 1
        for dimension in entry.shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard dimension >= 0, !overflow else { throw WeightsError.invalidShape(tensor: name, shape: entry.shape) }
            elements = product
        }
        guard entry.dataOffsets.count == 2 else {
            throw WeightsError.malformedHeader("tensor '\(name)' needs data_offsets [begin, end], got \(entry.dataOffsets)")
        }
        let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
        guard begin >= 0, begin <= end else { throw WeightsError.invalidOffsets(tensor: name, begin: begin, end: end) }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: elementSize)
        guard !overflow, bytes == end - begin else {
            throw WeightsError.sizeMismatch(tensor: name, dtype: entry.dtype, shape: entry.shape, bytes: end - begin)
        }
        guard end <= available else { throw WeightsError.truncated(tensor: name, end: end, available: available) }
        return begin..<end
    }

    /// Little-endian F32/F16/BF16 bytes (any alignment) -> a Float32 tensor.
    private static func widen(_ bytes: UnsafeRawBufferPointer, dtype: String, shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch dtype {
            case "F32":
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            case "F16":
                for i in 0..<count {
                    out[i] = HalfPrecision.float(fromHalf: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            default:  // BF16; checkedRange admitted nothing else
                for i in 0..<count {
                    out[i] = HalfPrecision.float(fromBFloat16: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            }
            initialized = count
        }
        return Tensor(shape: shape, storage: values)
    }

    /// F32, names sorted, data 8-byte aligned after the header.
    package func serialized() -> [UInt8] {
        let ordered = tensors.sorted { $0.key < $1.key }
        var offset = 0
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, tensor) in ordered {
            entries.append((name, tensor.shape, offset, offset + 4 * tensor.count))
            offset += 4 * tensor.count
        }
        let header = SafeTensorsHeader.encode(entries: entries, metadata: metadata)
        var bytes = [UInt8](repeating: 0, count: 8 + header.count + offset)
        bytes.withUnsafeMutableBytes { out in
            out.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self)
            out.baseAddress.unsafelyUnwrapped.advanced(by: 8).copyMemory(from: header, byteCount: header.count)
            for ((_, tensor), entry) in zip(ordered, entries) {
                let start = 8 + header.count + entry.begin
                tensor.storage.withUnsafeBufferPointer { values in
                    for i in values.indices {
                        out.storeBytes(of: values[i].bitPattern.littleEndian, toByteOffset: start + 4 * i, as: UInt32.self)
                    }
                }
            }
        }
        return bytes
    }

    /// Writes to a temporary file in the same directory and renames it over `url`, so readers never see
    /// a partial file.
    package func write(to url: URL) throws {
        do {
            try Data(serialized()).write(to: url, options: .atomic)
        } catch {
            throw WeightsError.fileAccess(path: url.path, reason: "write failed: \(error.localizedDescription)")
        }
    }

    /// A short reason from a JSON decoding error, with the key path (which names the tensor).
    private static func describe(_ error: Error) -> String {
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        switch decoding {
        case let .keyNotFound(key, context):
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            return "missing key '\(path)'"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "at '\(path)': \(context.debugDescription)"
        @unknown default:
            return String(describing: decoding)
        }
    }
}
