import CFuzzerDriver
import Foundation
@testable import HTTP

/// Feeds the request parser one input twice, whole and split in three at offsets taken from the input
/// itself, and traps if the two runs disagree: the parser promises its output never depends on how the
/// bytes arrived, and a crash or a trap is what libFuzzer reports.
private func fuzzHTTPRequest(_ input: [UInt8]) {
    let whole = parse([input[...]])
    let first = input.isEmpty ? 0 : Int(input[0]) % (input.count + 1)
    let second = input.isEmpty ? 0 : first + Int(input[input.count - 1]) % (input.count - first + 1)
    let split = parse([input[..<first], input[first..<second], input[second...]])
    precondition(split.events == whole.events && split.error == whole.error, "parse depends on how the input was split")
}

/// Limits small enough that the fuzzer reaches every limit check with short inputs.
private func parse(_ chunks: [ArraySlice<UInt8>]) -> (events: [ParseEvent], error: HTTPParseError?) {
    var parser = RequestParser(limits: ParserLimits(maxHeaderBytes: 512, maxHeaderCount: 12, maxBodyBytes: 256))
    var events: [ParseEvent] = []
    for chunk in chunks {
        parser.append(chunk)
        do {
            while let event = try parser.next() {
                if case .request(let request, _) = event {
                    _ = request.path
                    _ = request.query
                }
                events.append(event)
            }
        } catch {
            _ = error.description
            _ = error.status
            return (events, error)
        }
    }
    return (events, nil)
}

/// The one-input entry libFuzzer looks for. `main` below also hands it to libFuzzer's driver: SwiftPM
/// aliases `main` to this file's top-level code, and whichever `main` the linker keeps runs the same loop.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzHTTPRequest(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
