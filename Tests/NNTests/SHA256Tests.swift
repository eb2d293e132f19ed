import Foundation
import NN
import Testing

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func knownVectors(message: String, digest: String) {
        #expect(SHA256.hex(of: Array(message.utf8)) == digest)
    }

    @Test func millionAsInUnevenChunks() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 997)
        var remaining = 1_000_000
        while remaining > 0 {
            let take = min(remaining, chunk.count)
            hasher.update(Array(chunk[0..<take]))
            remaining -= take
        }
        #expect(hasher.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The digest `Generator.load` reports is of the whole file (value from Python's hashlib).
    @Test func loadReportsTheFileDigest() throws {
        let loaded = try Generator.load(from: Fixtures.url("generators/resnet_ngf4_b2_s16.weights.safetensors"))
        #expect(loaded.sha256 == "559d74020edb7e2637ecbdfc3e12c21b55fd338f7bd507c67e8f4b552cd51ce8")
        #expect(loaded.metadata["architecture"] == "resnet")
    }
}
