@testable import Imaging
import Testing

@Suite struct OrientationTests {
    /// A TIFF structure with IFD0 holding `entries` (tag, type, count, value) in the given byte order.
    static func tiff(bigEndian: Bool, entries: [(UInt16, UInt16, UInt32, UInt16)]) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { bigEndian ? u16(UInt16(v >> 16)) + u16(UInt16(v & 0xFFFF)) : u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16)) }
        var bytes: [UInt8] = (bigEndian ? Array("MM".utf8) : Array("II".utf8)) + u16(42) + u32(8) + u16(UInt16(entries.count))
        for (tag, type, count, value) in entries { bytes += u16(tag) + u16(type) + u32(count) + u16(value) + [0, 0] }
        return bytes + u32(0)
    }

    static func orientation(_ bytes: [UInt8]) -> ExifOrientation {
        bytes.withUnsafeBufferPointer { ExifOrientation(tiff: $0) }
    }

    @Test(arguments: [false, true], 1...8)
    func readsEitherByteOrder(bigEndian: Bool, value: Int) {
        let bytes = Self.tiff(bigEndian: bigEndian, entries: [(0x010F, 2, 4, 0), (0x0112, 3, 1, UInt16(value))])
        #expect(Self.orientation(bytes).rawValue == value)
    }

    @Test func malformedMeansUpright() {
        let good = Self.tiff(bigEndian: false, entries: [(0x0112, 3, 1, 6)])
        #expect(Self.orientation(good) == .right)
        // Every truncation, a wrong type, an out-of-range value, a bad magic and an IFD offset past the end.
        for length in 0..<20 { #expect(Self.orientation(Array(good.prefix(length))) == .up) }  // value ends at 20
        #expect(Self.orientation(Self.tiff(bigEndian: false, entries: [(0x0112, 4, 1, 6)])) == .up)
        #expect(Self.orientation(Self.tiff(bigEndian: true, entries: [(0x0112, 3, 1, 9)])) == .up)
        var badMagic = good
        badMagic[2] = 43
        #expect(Self.orientation(badMagic) == .up)
        var farOffset = good
        farOffset[4] = 0xF0
        #expect(Self.orientation(farOffset) == .up)
        var hugeCount = good
        hugeCount[8] = 0xFF
        hugeCount[9] = 0xFF
        #expect(Self.orientation(hugeCount) == .right)  // found before the count runs off the end
    }

    /// The 3x2 picture with pixels numbered 0...5 row by row, and what each orientation must show.
    @Test func transformsMatchTheExifDefinition() throws {
        let image = try #require(RGBImage(width: 3, height: 2, pixels: (0..<6).flatMap { [UInt8($0), 0, 0] }))
        let expected: [ExifOrientation: (Int, Int, [UInt8])] = [
            .up: (3, 2, [0, 1, 2, 3, 4, 5]),
            .mirrored: (3, 2, [2, 1, 0, 5, 4, 3]),
            .down: (3, 2, [5, 4, 3, 2, 1, 0]),
            .downMirrored: (3, 2, [3, 4, 5, 0, 1, 2]),
            .leftMirrored: (2, 3, [0, 3, 1, 4, 2, 5]),
            .right: (2, 3, [3, 0, 4, 1, 5, 2]),
            .rightMirrored: (2, 3, [5, 2, 4, 1, 3, 0]),
            .left: (2, 3, [2, 5, 1, 4, 0, 3]),
        ]
        for (orientation, (width, height, order)) in expected {
            let turned = image.applying(orientation)
            #expect(turned.width == width && turned.height == height, "\(orientation)")
            #expect(stride(from: 0, to: turned.pixels.count, by: 3).map { turned.pixels[$0] } == order, "\(orientation)")
        }
    }

    @Test func markerWalkFindsFrameAndExif() throws {
        let markers = JPEGMarkers(scanning: try Fixtures.bytes("orientation6_motorola.jpg"))
        #expect(markers.orientation == .right)
        let size = try #require(markers.frameSize)
        #expect(size.width == 16 && size.height == 24)  // stored sideways
        #expect(JPEGMarkers(scanning: try Fixtures.bytes("baseline420.jpg")).orientation == .up)
    }
}
