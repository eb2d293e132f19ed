/// Seconds taken by `body`.
func seconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let elapsed = clock.measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// The value `body` returns and the seconds it took.
func timed<T>(_ body: () -> T) -> (T, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = body()
    let elapsed = start.duration(to: clock.now)
    return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
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

/// Runs `body` `warmup` times untimed, then `runs` timed (wall clock, or the thread's CPU time).
func measure(runs: Int, warmup: Int = 1, cpuTime: Bool = false, _ body: () -> Void) -> Summary {
    for _ in 0..<warmup { body() }
    return Summary((0..<runs).map { _ in cpuTime ? threadCPUSeconds(body) : seconds(body) })
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    let scale = (0..<digits).reduce(1.0) { acc, _ in acc * 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU seconds the calling thread spent in `body`: immune to other processes sharing the cores, so
/// single-threaded kernel comparisons stay meaningful on a busy machine.
func threadCPUSeconds(_ body: () -> Void) -> Double {
    var start = timespec(), end = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
    body()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
    return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
}
