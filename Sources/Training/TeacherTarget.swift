import NN

/// How the teacher's cartoon becomes the target G is held to: its blots filled (always; `BlotFill`), its spots
/// too (`--teacher-spots`), then flattened (`--teacher-flatten`), its skin evened (`--teacher-skin`), cut to a few
/// flat colours (`--teacher-posterize`),
/// then inked from the photo (`--teacher-ink`), then given cartoon eyes (`--teacher-eyes`). Ink comes after the
/// filters so that none can soften its lines, and the eyes after the ink so that the photo's lids and lashes are not
/// inked over them; then, with `--teacher-avatars`, all but the
/// eyes and mouth give way to the photo's avatar (`AvatarComposite`). The pixels the fill changed (and the eyes' surrounds and decoys) may weigh
/// more in the loss (`--teacher-emphasis`): a spot is a few dozen pixels of 16,384, and at weight 1 G unlearns
/// it slowly.
package struct TeacherTarget: Sendable, Equatable {
    /// Also fill the teacher's spots (`Spot`).
    package var fillsSpots = false
    /// Blot and spot patches over this percentage of the image are left as drawn (`BlotFill`); 0 = no limit.
    package var blotLimit: Float = 0
    /// Range sigma (grey levels) of `TeacherFlattening`; 0 = off.
    package var flattening: Float = 0
    /// How far skin-like face pixels move to the skin colour in `TeacherSkin`; 0 = off.
    package var skin: Float = 0
    /// Whose skin colour that is; `photo` also shifts the skin-like pixels off the face.
    package var skinTone = SkinTone.teacher
    /// Colours per image of `TeacherPosterizing`; 0 = off.
    package var posterizing = 0
    /// Centre sigma (pixels) of `TeacherInk`; 0 = off.
    package var ink: Float = 0
    /// Draw cartoon eyes where the photo has its eyes (`TeacherEyes`).
    package var eyes = false
    /// Weigh the iris-like blobs between the eyes too (`TeacherEyes.bridgeRegion`).
    package var eyeBridge = false
    /// Loss weight of the pixels the fill changed (every channel of them); 1 = plain mean squared error.
    package var emphasis: Float = 1
    /// How much of each photo's avatar (the batch carries them) the target gives way to.
    package var avatars = AvatarUse.none

    package init(fillsSpots: Bool = false, blotLimit: Float = 0, flattening: Float = 0, skin: Float = 0, skinTone: SkinTone = .teacher,
                 posterizing: Int = 0, ink: Float = 0, eyes: Bool = false, eyeBridge: Bool = false, emphasis: Float = 1,
                 avatars: AvatarUse = .none) {
        self.blotLimit = blotLimit
        self.skin = skin
        self.skinTone = skinTone
        self.posterizing = posterizing
        self.avatars = avatars
        self.fillsSpots = fillsSpots
        self.flattening = flattening
        self.ink = ink
        self.eyes = eyes
        self.eyeBridge = eyeBridge
        self.emphasis = emphasis
    }

    /// The target for the teacher's `cartoons` of `photos` (`[N, 3, S, S]` in [-1, 1]), and its loss weights
    /// (nil where `emphasis` is 1). `avatars` (the photos' own) must be given when the target uses them.
    func made(from cartoons: Tensor, photos: Tensor, avatars: Tensor? = nil) -> (target: Tensor, weights: Tensor?) {
        let filled = BlotFill.filled(cartoons, photos: photos, spots: fillsSpots, largestShare: blotLimit > 0 ? Double(blotLimit) / 100 : nil)
        var target = filled
        if flattening > 0 { target = TeacherFlattening.flattened(target, rangeLevels: flattening) }
        if skin > 0 || skinTone != .teacher { target = TeacherSkin.evened(target, photos: photos, strength: skin, tone: skinTone) }
        if posterizing > 0 { target = TeacherPosterizing.posterized(target, colours: posterizing) }
        if ink > 0 { target = TeacherInk.inked(target, photos: photos, sigma: ink) }
        var eyesWeighed: [Float]?
        if eyes { (target, eyesWeighed) = TeacherEyes.drawn(target, photos: photos, bridge: eyeBridge) }
        precondition(self.avatars == .none || avatars != nil, "a target over avatars needs the batch's avatars")
        if self.avatars != .none, let avatars {
            target = AvatarComposite.composed(target, over: avatars, faceOnly: self.avatars == .face)
        }
        guard emphasis != 1 else { return (target, nil) }
        let (n, _, h, w) = cartoons.nchw
        let plane = h * w
        var weights = [Float](repeating: 1, count: cartoons.count)
        for image in 0..<n {
            let base = image * 3 * plane
            for i in 0..<plane {
                let changed = (eyesWeighed?[image * plane + i] ?? 0) > 0
                    || (0..<3).contains { filled.storage[base + $0 * plane + i] != cartoons.storage[base + $0 * plane + i] }
                if changed { for channel in 0..<3 { weights[base + channel * plane + i] = emphasis } }
            }
        }
        return (target, Tensor(shape: cartoons.shape, storage: weights))
    }

    /// Refuses values the target cannot be made with, and any change from the plain fill without a teacher.
    func validate(hasTeacher: Bool) throws(TrainingError) {
        guard flattening >= 0, flattening.isFinite else { throw .invalidOption("--teacher-flatten must be 0 (off) or above") }
        guard (0...100).contains(blotLimit) else { throw .invalidOption("--teacher-blot-limit must be 0 (no limit) or a percentage up to 100") }
        guard (0...1).contains(skin) else { throw .invalidOption("--teacher-skin must be from 0 (off) to 1 (flat)") }
        guard posterizing == 0 || (2...64).contains(posterizing) else {
            throw .invalidOption("--teacher-posterize must be 0 (off) or from 2 to 64 colours")
        }
        guard ink >= 0, ink <= 8 else { throw .invalidOption("--teacher-ink must be 0 (off) or a sigma up to 8 pixels") }
        guard emphasis >= 1, emphasis <= 1000 else { throw .invalidOption("--teacher-emphasis must be from 1 (off) to 1000") }
        guard eyes || !eyeBridge else { throw .invalidOption("--teacher-eye-bridge needs --teacher-eyes") }
        guard hasTeacher || self == TeacherTarget() else {
            let option = blotLimit > 0 ? "--teacher-blot-limit" : flattening > 0 ? "--teacher-flatten" : skin > 0 ? "--teacher-skin"
                : skinTone != .teacher ? "--teacher-skin-tone"
                : posterizing > 0 ? "--teacher-posterize" : ink > 0 ? "--teacher-ink" : eyes ? "--teacher-eyes" : emphasis != 1 ? "--teacher-emphasis"
                : avatars != .none ? "--teacher-avatars" : "--teacher-spots"
            throw .invalidOption("\(option) needs --teacher FILE and --lambda-teacher")
        }
    }

    /// The run's record of the target, beside the teacher's hash.
    var metadata: [String: String] {
        ["teacher_flatten": String(flattening), "teacher_skin": String(skin), "teacher_skin_tone": skinTone.rawValue, "teacher_posterize": String(posterizing),
         "teacher_ink": String(ink), "teacher_eyes": String(eyes), "teacher_eye_bridge": String(eyeBridge), "teacher_spots": String(fillsSpots), "teacher_blot_limit": String(blotLimit),
         "teacher_emphasis": String(emphasis), "teacher_avatars": avatars.rawValue]
    }

    /// A resumed run's target compared with the checkpoint's `metadata`: one line per setting that changed
    /// (a checkpoint from before a setting existed had it off).
    func changes(from metadata: [String: String]) -> [String] {
        guard metadata["teacher_sha256"] != nil else { return [] }
        let now = self.metadata, before = TeacherTarget().metadata
        return now.keys.sorted().compactMap { key in
            let recorded = metadata[key] ?? before[key]
            return recorded == now[key] ? nil : "\(key) \(now[key] ?? "") (\(recorded ?? "") in the checkpoint)"
        }
    }

    /// What the run log says of the target after "its blots".
    var summary: String {
        (fillsSpots ? " and spots" : "") + " filled from around them"
            + (blotLimit > 0 ? " (but patches over \(blotLimit)% of the image)" : "")
            + (flattening > 0 ? ", flattened (range sigma \(flattening) levels)" : "")
            + (skin > 0 ? ", its skin evened (strength \(skin))" : "")
            + (skinTone == .photo ? (skin > 0 ? " in the photo's colour" : ", its skin in the photo's colour") : "")
            + (posterizing > 0 ? ", posterised to \(posterizing) colours" : "")
            + (ink > 0 ? ", inked from the photo (sigma \(ink) px)" : "")
            + (eyes ? ", cartoon eyes drawn on" + (eyeBridge ? " (the blobs between them weighed too)" : "") : "")
            + (emphasis != 1 ? ", the filled pixels\(eyes ? ", the eyes' surrounds and the decoys" : "") weighing \(emphasis)" : "")
            + (avatars == .whole ? ", laid over the photo's avatar outside the eyes and mouth" : "")
            + (avatars == .face ? ", the photo's avatar's face laid over it outside the eyes and mouth" : "")
    }
}
