/// Deterministic values in [-1, 1).
struct TestRandom {
    var state: UInt64

    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 23) - 1
    }

    mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
}
