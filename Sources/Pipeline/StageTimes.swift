/// Where one request's time went, stage by stage: the server's own numbers for what face detection and
/// alignment cost next to the model (`Server-Timing` header, `cartoonify_stage_duration_seconds`).
/// Wall-clock time on the worker; it equals CPU time when the stage runs on one core (`--inference-threads 1`,
/// or any busy server, where the workers share the cores one each).
package struct StageTimes: Sendable, Equatable {
    /// Reading the upload into pixels (and EXIF orientation).
    package var decode: Duration = .zero
    /// Face detection and eye finding (`crop=face` only).
    package var detect: Duration = .zero
    /// The warp into the model's input (`crop=face` only; other crops resize as part of `inference`).
    package var align: Duration = .zero
    /// The generator, with the input conversion of the other crops.
    package var inference: Duration = .zero
    /// Output resize and PNG encoding.
    package var encode: Duration = .zero

    /// The stages with their names, in pipeline order.
    package var named: [(name: String, duration: Duration)] {
        [("decode", decode), ("detect", detect), ("align", align), ("inference", inference), ("encode", encode)]
    }

    /// Charges the time since the previous lap to a stage.
    struct Stopwatch {
        private(set) var times = StageTimes()
        private let clock = ContinuousClock()
        private var last: ContinuousClock.Instant

        init() {
            last = clock.now
        }

        mutating func lap(_ stage: WritableKeyPath<StageTimes, Duration>) {
            let now = clock.now
            times[keyPath: stage] += last.duration(to: now)
            last = now
        }
    }
}
