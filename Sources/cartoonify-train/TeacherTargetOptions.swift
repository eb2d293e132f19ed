import ArgumentParser
import Training

extension SkinTone: ExpressibleByArgument {}

/// How the teacher's output becomes G's target: shared by `train` and `target`, which shows the target a run
/// would learn from before the run is started.
struct TeacherTargetOptions: ParsableArguments {
    @Option(help: "Flatten the teacher's target before G is held to it: a 3x3 median, then two edge-keeping (bilateral) passes with this range sigma in grey levels (e.g. 20), so G learns flat fills with sharp outlines instead of the teacher's texture; 0 = off.")
    var teacherFlatten: Float = 0
    @Option(help: "Even out the skin of the teacher's target (after any flattening): face pixels of the skin's hue and about its brightness, outside the eyes and the mouth, move this far (0 to 1) towards the face's median skin colour, so G learns flat skin instead of the photo's shading (dark circles, cheek shadows, wrinkles); 0 = off.")
    var teacherSkin: Float = 0
    @Option(help: "Whose skin colour the target's skin takes: teacher (the colour it drew) or photo (the photo's, the median of the middle of its face; every skin-like pixel of the target shifts by the difference, face, neck and ears alike, then --teacher-skin evens the face to it), so G keeps the person's skin tone where the GAN drew it warmer.")
    var teacherSkinTone: SkinTone = .teacher
    @Option(help: "Cut the teacher's target (after any flattening) to this many flat colours per image (k-means in RGB, borders smoothed by a 3x3 majority), so G learns the flat fills of a cartoon rather than shading; 0 = off, else 2 to 64 (e.g. 10).")
    var teacherPosterize = 0
    @Option(help: "Draw ink lines from the photo onto the teacher's target, last: a difference of Gaussians of the photo's grey with this centre sigma in pixels (e.g. 1), darkening eyes, brows, lips and outlines, which the GAN draws as smudges; 0 = off.")
    var teacherInk: Float = 0
    @Flag(help: "Draw cartoon eyes onto the teacher's target, last: where the photo's irises are (near the aligned chips' eyes), the face's skin colour over the teacher's eye smudge, then a white disc with a dark pupil, so G learns the cartoons' eyes; each eye's surround (lids and brow) and the other iris-like blobs of the lower face (nostrils, mouth corners) weigh --teacher-emphasis, so a ring drawn on any of them costs as much as the eye.")
    var teacherEyes = false
    @Flag(help: "With --teacher-eyes, weigh the iris-like blobs between the eyes too (a glasses bridge, a frame's corner), so a ring drawn there costs as much as the eye.")
    var teacherEyeBridge = false
    @Flag(help: "Fill the teacher's spots as well as its blots: small patches on the face, outside eyes and mouth, much redder or bluer than the photo (red noses, blue dots).")
    var teacherSpots = false
    @Option(help: "Leave blot and spot patches larger than this percentage of the image as the teacher drew them (e.g. 3): a blot is a small oval, and a hand or cheek drawn lighter than the photo, filled from its rim, becomes a smear of blocks that the loss then pulls G towards; 0 = no limit.")
    var teacherBlotLimit: Float = 0
    @Option(help: "Loss weight of the pixels the teacher's fill changed (its blots and spots, every channel), against 1 for the rest, so G unlearns a spot of a few dozen pixels faster; 1 = off.")
    var teacherEmphasis: Float = 1
    @Option(help: "Folder of avatars rendered for the photos (PHOTO_FILE_NAME.png each, by scripts/tools/render_avatar_targets.py, coloured like the photo): the teacher's target gives way to the photo's avatar everywhere but the eyes, brows and mouth, so G learns flat skin, hair shapes and a white ground while keeping the person's own features.")
    var teacherAvatars: String?
    @Flag(help: "With --teacher-avatars, take only the avatar's face (its flat skin, outside the eyes, brows and mouth); its hair and ground give way to the teacher's target as it is.")
    var teacherAvatarFaceOnly = false

    func validate() throws {
        guard !teacherAvatarFaceOnly || teacherAvatars != nil else {
            throw ValidationError("--teacher-avatar-face-only needs --teacher-avatars FOLDER")
        }
    }

    var target: TeacherTarget {
        TeacherTarget(fillsSpots: teacherSpots, blotLimit: teacherBlotLimit, flattening: teacherFlatten, skin: teacherSkin, skinTone: teacherSkinTone, posterizing: teacherPosterize, ink: teacherInk, eyes: teacherEyes, eyeBridge: teacherEyeBridge,
                      emphasis: teacherEmphasis, avatars: teacherAvatars == nil ? .none : teacherAvatarFaceOnly ? .face : .whole)
    }
}
