/// What the service needs from a JPEG's marker segments before libjpeg runs: the frame size (to refuse a
/// pixel bomb before any decoder state exists) and the EXIF orientation (libjpeg ignores EXIF).
struct JPEGMarkers {
    /// From the first SOFn segment; nil when the data ends before one.
    var frameSize: (width: Int, height: Int)?
    var orientation: ExifOrientation = .up

    /// Walks the segments from SOI up to the first SOS (where entropy-coded data starts). Never throws:
    /// anything malformed just ends the walk, and libjpeg reports the real error afterwards.
    init(scanning bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { data in
            var position = 2  // after SOI
            var sawExif = false
            while position + 4 <= data.count {
                guard data[position] == 0xFF else { return }
                let marker = data[position + 1]
                if marker == 0xFF { position += 1; continue }  // fill byte
                if marker == 0x01 || (0xD0...0xD8).contains(marker) { position += 2; continue }  // no length
                if marker == 0xD9 || marker == 0xDA { return }  // EOI, SOS
                let length = Int(data[position + 2]) << 8 | Int(data[position + 3])
                let payloadStart = position + 4
                let end = position + 2 + length
                guard length >= 2, end <= data.count else { return }
                let payload = UnsafeBufferPointer(rebasing: data[payloadStart..<end])
                if Self.isStartOfFrame(marker), frameSize == nil, payload.count >= 5 {
                    let height = Int(payload[1]) << 8 | Int(payload[2])
                    let width = Int(payload[3]) << 8 | Int(payload[4])
                    frameSize = (width, height)
                } else if marker == 0xE1, !sawExif, payload.starts(with: Self.exifSignature) {
                    sawExif = true
                    let tiff = UnsafeBufferPointer(rebasing: payload[Self.exifSignature.count...])
                    orientation = ExifOrientation(tiff: tiff)
                }
                position = end
            }
        }
    }

    private static let exifSignature: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]  // "Exif\0\0"

    /// SOF0...SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    private static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }
}
