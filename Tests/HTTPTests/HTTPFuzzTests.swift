import Testing
import TestSupport
@testable import HTTP

private let interestingBytes: [UInt8] = Array("\r\n :;-0aZ\t\"".utf8) + [0, 0x7F, 0xFF]

private func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
    var bytes = input
    for _ in 0..<Int.random(in: 1...3, using: &random) {
        guard !bytes.isEmpty else { break }
        let index = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: bytes[index] = interestingBytes.randomElement(using: &random) ?? 0
        case 1: bytes.insert(interestingBytes.randomElement(using: &random) ?? 0, at: index)
        case 2: bytes.remove(at: index)
        default: bytes.removeSubrange(index...)
        }
    }
    return bytes
}

/// Small limits, so mutations hit every limit check.
private let fuzzLimits = ParserLimits(maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 64)

@Suite("Mutated input")
struct HTTPFuzzTests {
    @Test func mutatedRequestsParseTheSameHoweverTheyAreSplit() {
        let seeds = [
            "POST /a?b=c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n",
            "GET /x HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n\r\n",
        ].map { Array($0.utf8) }
        var random = SeededGenerator(state: 42)
        var failures = 0
        for round in 0..<3000 {
            let input = mutate(seeds[round % seeds.count], using: &random)
            let whole = parse([input[...]], limits: fuzzLimits)
            if whole.1 != nil { failures += 1 }
            let first = Int.random(in: 0...input.count, using: &random)
            let second = Int.random(in: first...input.count, using: &random)
            let split = parse([input[..<first], input[first..<second], input[second...]], limits: fuzzLimits)
            #expect(split.0 == whole.0, "round \(round)")
            #expect(split.1 == whole.1, "round \(round)")
        }
        #expect((300...2700).contains(failures), "mutations should break some inputs, not all: \(failures)")
    }

    @Test func mutatedMultipartBodiesNeverCrash() {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\u{1}\u{2}--b\r\n\r\n--b--\r\n".utf8)
        var random = SeededGenerator(state: 7)
        var outcomes = (parsed: 0, failed: 0)
        for _ in 0..<3000 {
            let input = mutate(body, using: &random)
            if (try? Multipart.parse(body: input, contentType: "multipart/form-data; boundary=b")) != nil {
                outcomes.parsed += 1
            } else {
                outcomes.failed += 1
            }
        }
        #expect(outcomes.parsed > 0)
        #expect(outcomes.failed > 0)
    }
}
