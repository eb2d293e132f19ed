/// Seconds taken by `body`.
func seconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let elapsed = clock.measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// min / median / p90 of repeated measurements.
struct Summary {
    let min: Double
    let median: Double
    let p90: Double

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        min = sorted.first ?? 0
        median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        p90 = sorted.isEmpty ? 0 : sorted[Swift.min(sorted.count - 1, sorted.count * 9 / 10)]
    }
}

/// Runs `body` `warmup` times untimed, then `runs` timed.
func measure(runs: Int, warmup: Int = 1, _ body: () -> Void) -> Summary {
    for _ in 0..<warmup { body() }
    return Summary((0..<runs).map { _ in seconds(body) })
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    let scale = (0..<digits).reduce(1.0) { acc, _ in acc * 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}
