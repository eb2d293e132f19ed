import Foundation
import Imaging

enum ImageDecoderForTests {
    static func decode(_ data: Data) throws -> RGBImage { try ImageDecoder.decode([UInt8](data)) }
}
