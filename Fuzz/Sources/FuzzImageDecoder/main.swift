import CFuzzerDriver
import Foundation
import Imaging

/// A decoded image also goes through the crop and resize the pipeline applies. Limits far below the
/// server's keep every input fast: a header claiming a large image is refused before any allocation.
private func fuzzImageDecoder(_ input: [UInt8]) {
    let limits = DecodeLimits(maxPixels: 1 << 20, maxEdge: 4096)
    guard let image = try? ImageDecoder.decode(input, limits: limits) else { return }
    precondition(image.width > 0 && image.height > 0 && image.pixels.count == image.width * image.height * 3,
                 "decoded image has inconsistent dimensions")
    _ = image.centerSquareCrop().resized(width: 32, height: 32)
}

/// The one-input entry libFuzzer looks for. `main` below also hands it to libFuzzer's driver: SwiftPM
/// aliases `main` to this file's top-level code, and whichever `main` the linker keeps runs the same loop.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzImageDecoder(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
