import CFuzzerDriver
import Foundation
import HTTP

/// The first line of the input is the Content-Type header value (so boundaries get fuzzed too), the rest
/// is the body. Any outcome but a crash is fine; a parsed part must lie inside the body it came from.
private func fuzzMultipart(_ input: [UInt8]) {
    let newline = input.firstIndex(of: 10) ?? input.endIndex
    let contentType = String(decoding: input[..<newline], as: UTF8.self)
    let body = Array(input[min(newline + 1, input.endIndex)...])
    guard let parts = try? Multipart.parse(body: body, contentType: contentType) else { return }
    let carried = parts.reduce(0) { $0 + $1.body.count }
    precondition(carried <= body.count, "parts carry more bytes than the body has")
}

/// The one-input entry libFuzzer looks for. `main` below also hands it to libFuzzer's driver: SwiftPM
/// aliases `main` to this file's top-level code, and whichever `main` the linker keeps runs the same loop.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzMultipart(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
