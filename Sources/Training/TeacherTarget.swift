import NN

/// How the teacher's cartoon becomes the target G is held to: its blots filled (always; `BlotFill`), its spots
/// too (`--teacher-spots`), then flattened (`--teacher-flatten`), then inked from the photo (`--teacher-ink`).
/// Ink comes last so that the flattening cannot soften its lines.
package struct TeacherTarget: Sendable, Equatable {
    /// Also fill the teacher's spots (`Spot`).
    package var fillsSpots = false
    /// Range sigma (grey levels) of `TeacherFlattening`; 0 = off.
    package var flattening: Float = 0
    /// Centre sigma (pixels) of `TeacherInk`; 0 = off.
    package var ink: Float = 0

    package init(fillsSpots: Bool = false, flattening: Float = 0, ink: Float = 0) {
        self.fillsSpots = fillsSpots
        self.flattening = flattening
        self.ink = ink
    }

    /// The target for the teacher's `cartoons` of `photos` (`[N, 3, S, S]` in [-1, 1]).
    func made(from cartoons: Tensor, photos: Tensor) -> Tensor {
        var target = BlotFill.filled(cartoons, photos: photos, spots: fillsSpots)
        if flattening > 0 { target = TeacherFlattening.flattened(target, rangeLevels: flattening) }
        if ink > 0 { target = TeacherInk.inked(target, photos: photos, sigma: ink) }
        return target
    }

    /// Refuses values the target cannot be made with, and any change from the plain fill without a teacher.
    func validate(hasTeacher: Bool) throws(TrainingError) {
        guard flattening >= 0, flattening.isFinite else { throw .invalidOption("--teacher-flatten must be 0 (off) or above") }
        guard ink >= 0, ink <= 8 else { throw .invalidOption("--teacher-ink must be 0 (off) or a sigma up to 8 pixels") }
        guard hasTeacher || self == TeacherTarget() else {
            let option = flattening > 0 ? "--teacher-flatten" : ink > 0 ? "--teacher-ink" : "--teacher-spots"
            throw .invalidOption("\(option) needs --teacher FILE and --lambda-teacher")
        }
    }

    /// The run's record of the target, beside the teacher's hash.
    var metadata: [String: String] {
        ["teacher_flatten": String(flattening), "teacher_ink": String(ink), "teacher_spots": String(fillsSpots)]
    }

    /// A resumed run's target compared with the checkpoint's `metadata`: one line per setting that changed
    /// (a checkpoint from before a setting existed had it off).
    func changes(from metadata: [String: String]) -> [String] {
        let before = TeacherTarget().metadata
        return self.metadata.keys.sorted().compactMap { key in
            guard metadata["teacher_sha256"] != nil else { return nil }
            let recorded = metadata[key] ?? before[key]
            return recorded == self.metadata[key] ? nil : "\(key) \(self.metadata[key] ?? "") (\(recorded ?? "") in the checkpoint)"
        }
    }

    /// What the run log says of the target after "its blots".
    var summary: String {
        (fillsSpots ? " and spots" : "") + " filled from around them"
            + (flattening > 0 ? ", flattened (range sigma \(flattening) levels)" : "")
            + (ink > 0 ? ", inked from the photo (sigma \(ink) px)" : "")
    }
}
