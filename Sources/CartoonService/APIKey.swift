/// Bearer-token check for `POST /cartoonify`, in constant time so the key cannot be guessed byte by byte
/// from response timings.
struct APIKey: Sendable {
    private let expected: [UInt8]

    init(_ key: String) {
        expected = Array("Bearer \(key)".utf8)
    }

    func admits(authorization: String?) -> Bool {
        let given = Array((authorization ?? "").utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
