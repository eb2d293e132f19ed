import Foundation
import NN
import Testing

@Suite struct SafeTensorsTests {
    static let sample = SafeTensorsFile(
        tensors: ["b.weight": Tensor(shape: [2, 3], storage: [1, -2, 3.5, 0, .infinity, -0.25]),
                  "a.bias": Tensor(shape: [3], storage: [7, 8, 9]),
                  "scalar": Tensor(shape: [], storage: [42])],
        metadata: ["architecture": "resnet", "quote\"d": "line\nbreak\u{1}"])

    /// Bytes of a file with a hand-written header and `data` as the data section.
    static func file(header: String, data: [UInt8]) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
    }

    @Test func roundTripsTensorsAndMetadata() throws {
        let bytes = Self.sample.serialized()
        let parsed = try SafeTensorsFile(bytes: bytes)
        #expect(parsed.tensors == Self.sample.tensors)
        #expect(parsed.metadata == Self.sample.metadata)
        let headerLength = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect((8 + headerLength) % 8 == 0)
    }

    @Test func serialisedHeaderSortsNamesAndIsReadableByJSON() throws {
        let bytes = Self.sample.serialized()
        let length = Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        let a = try #require(header.range(of: "\"a.bias\"")), b = try #require(header.range(of: "\"b.weight\""))
        #expect(a.lowerBound < b.lowerBound)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        #expect(json.count == 4)
    }

    @Test func writesAtomicallyAndReadsBack() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nn-test-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Self.sample.write(to: url)
        let read = try SafeTensorsFile.read(from: url)
        #expect(read.tensors == Self.sample.tensors)
    }

    @Test func widensHalfAndBFloat16Exactly() throws {
        let file = try Fixtures.load("dtypes.safetensors")
        #expect(try file.tensor("f16") == (try file.tensor("f16_widened")))
        #expect(try file.tensor("bf16") == (try file.tensor("bf16_widened")))
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let bytes = Self.sample.serialized()
        for length in 0..<bytes.count {
            #expect(throws: WeightsError.self) { try SafeTensorsFile(bytes: Array(bytes[0..<length])) }
        }
    }

    @Test func truncatedDataNamesTheTensor() throws {
        let bytes = Self.file(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: [UInt8](repeating: 0, count: 12))
        #expect(throws: WeightsError.truncated(tensor: "w", end: 16, available: 12)) { try SafeTensorsFile(bytes: bytes) }
    }

    @Test func rejectsOversizedAndOverlongHeaders() {
        var huge = withUnsafeBytes(of: UInt64(1 << 40).littleEndian, Array.init)
        huge += [0, 0]
        #expect(throws: WeightsError.headerTooLarge(length: 1 << 40, limit: SafeTensorsFile.maxHeaderLength)) {
            try SafeTensorsFile(bytes: huge)
        }
        let overlong = withUnsafeBytes(of: UInt64(100).littleEndian, Array.init) + Array("{}".utf8)
        #expect(throws: WeightsError.headerPastEnd(length: 100, fileSize: 10)) { try SafeTensorsFile(bytes: overlong) }
        #expect(throws: WeightsError.fileTooShort(size: 3)) { try SafeTensorsFile(bytes: [1, 2, 3]) }
    }

    @Test(arguments: [
        (#"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, 8,
         WeightsError.unsupportedDType(tensor: "w", dtype: "I64")),
        (#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8,
         WeightsError.sizeMismatch(tensor: "w", dtype: "F32", shape: [3], bytes: 8)),
        (#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4,
         WeightsError.invalidShape(tensor: "w", shape: [-1])),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, 4,
         WeightsError.invalidOffsets(tensor: "w", begin: 4, end: 0)),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8,
         WeightsError.misplacedData(tensor: "b", offset: 4, expected: 8)),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 12,
         WeightsError.trailingBytes(offset: 4, count: 8)),
        (#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, 4,
         WeightsError.invalidShape(tensor: "w", shape: [4_611_686_018_427_387_904, 4])),
    ])
    func rejectsInvalidEntries(header: String, dataSize: Int, error: WeightsError) {
        #expect(throws: error) { try SafeTensorsFile(bytes: Self.file(header: header, data: [UInt8](repeating: 0, count: dataSize))) }
    }

    @Test(arguments: ["not json", "[1,2]", #"{"w":{"dtype":"F32","shape":[1]}}"#, #"{"__metadata__":{"a":1}}"#, #"{"w":5}"#])
    func malformedHeadersAreErrors(header: String) {
        #expect {
            try SafeTensorsFile(bytes: Self.file(header: header, data: []))
        } throws: { error in
            guard case WeightsError.malformedHeader = error else { return false }
            return true
        }
    }

    /// Random byte corruption of a real file must always end in a clean error or a valid file.
    @Test func corruptedBytesNeverCrash() {
        let original = Self.sample.serialized()
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0..<3 {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = try? SafeTensorsFile(bytes: bytes)
        }
    }

    @Test func missingFileIsAnAccessError() {
        #expect {
            try SafeTensorsFile.read(from: URL(fileURLWithPath: "/nonexistent/weights.safetensors"))
        } throws: { error in
            guard case WeightsError.fileAccess(let path, _) = error else { return false }
            return path == "/nonexistent/weights.safetensors"
        }
    }
}
