import FaceDetection
import Imaging
import Kernels
import KernelsCore
import NN
import Parallel

/// One photo in, one PNG cartoon out: decode, frame, generate, resize to the asked size, encode. Plain
/// values in and out, so the CLI and the tests run exactly what the server runs.
package struct CartoonPipeline: Sendable {
    /// The generator compiled for the fast kernels; shared read-only by every worker.
    package let plan: GeneratorPlan
    package let detector: FaceDetector
    /// How this model wants faces framed (from its weights' metadata).
    package let framing: FaceFraming
    package var decodeLimits: DecodeLimits
    package var pngCompressionLevel: Int

    /// `precision` `bf16` needs `Precision.bf16Supported` (callers refuse it with a message first).
    /// `kernels` is the instruction-set path of both the generator and the face scans.
    package init(generator: Generator, detector: FaceDetector, framing: FaceFraming = .standard,
                 decodeLimits: DecodeLimits = DecodeLimits(), pngCompressionLevel: Int = 1, precision: Precision = .f32,
                 kernels: KernelPath = .best) {
        plan = GeneratorPlan(generator, kernels: kernels, precision: precision)
        var detector = detector
        detector.kernels = kernels
        self.detector = detector
        self.framing = framing
        self.decodeLimits = decodeLimits
        self.pngCompressionLevel = pngCompressionLevel
    }

    package var modelSize: Int { plan.config.inputSize }

    /// What one run may use: the calling worker's activation memory, and the cores its parallel regions
    /// may spread over (a server worker's context caps them by the cores the other busy workers leave).
    package struct Resources {
        package let arena: InferenceArena
        package let context: ComputeContext

        package init(arena: InferenceArena = InferenceArena(), context: ComputeContext = .serial) {
            self.arena = arena
            self.context = context
        }
    }

    package struct Result: Sendable {
        package var png: [UInt8]
        /// The face the crop was made around, in the uploaded photo's pixels; nil when none was found or
        /// detection was not asked.
        package var face: FaceBox?
        /// The eyes the crop was aligned on, in the uploaded photo's pixels; nil for a box or centre crop.
        package var eyes: EyePoints?
        /// With `crop=face&face=all`: the other faces found, strongest first; nil otherwise.
        package var otherFaces: [FaceBox]?
        /// nil when the crop mode did not ask for detection.
        package var faceDetected: Bool?
        package var times: StageTimes
    }

    /// `isAbandoned` is asked between stages; true stops the work (nobody waits for it any more).
    package func run(_ bytes: [UInt8], options: CartoonOptions, resources: Resources,
                     isAbandoned: () -> Bool = { false }) throws(PipelineError) -> Result {
        func checkpoint() throws(PipelineError) {
            if isAbandoned() { throw .abandoned }
        }
        var times = StageTimes.Stopwatch()
        let decoded = try decode(bytes, minimumSide: minimumDecodedSide(options.crop))
        times.lap(\.decode)
        try checkpoint()
        let framed = frame(decoded.image, options: options, context: resources.context, times: &times)
        try checkpoint()
        let cartoon = stylize(framed.input, resources: resources)
        times.lap(\.inference)
        try checkpoint()
        let size = options.size ?? modelSize
        let output = size == cartoon.width ? cartoon : cartoon.resized(width: size, height: size)
        let png: [UInt8]
        do {
            png = try PNGEncoder.encode(output, compressionLevel: pngCompressionLevel)
        } catch {
            throw .image(error)
        }
        times.lap(\.encode)
        // Decoding may have shrunk the photo; reported points are in the uploaded photo's pixels.
        let r = decoded.reduction
        func uploaded(_ box: FaceBox) -> FaceBox {
            FaceBox(x: box.x * r, y: box.y * r, width: box.width * r, height: box.height * r, score: box.score, angle: box.angle)
        }
        let s = Double(r)
        return Result(png: png, face: framed.crop?.face.map(uploaded),
                      eyes: framed.crop?.eyes.map { EyePoints(leftX: $0.leftX * s, leftY: $0.leftY * s, rightX: $0.rightX * s, rightY: $0.rightY * s) },
                      otherFaces: framed.others?.map(uploaded), faceDetected: framed.crop.map { $0.face != nil },
                      times: times.times)
    }

    /// The shorter side a photo needs for `mode`: the model's side when the whole photo (or its centre)
    /// is shrunk to it; four times that for a face crop (1.6 face widths), so that a face filling a
    /// sixth of the shorter side still comes out at least model-sized. Bigger JPEGs decode at 1/2 to 1/8.
    func minimumDecodedSide(_ mode: CropMode) -> Int {
        mode == .face ? 4 * modelSize : modelSize
    }

    func decode(_ bytes: [UInt8], minimumSide: Int) throws(PipelineError) -> DecodedImage {
        do {
            return try ImageDecoder.decode(bytes, limits: decodeLimits, minimumSide: minimumSide)
        } catch {
            throw .image(error)
        }
    }

    /// What the generator sees, as a model-sized image or (face crops) as its input planes warped straight
    /// from the photo; the crop chosen (nil unless `crop=face`) and, with `faces=all`, the other faces.
    struct Framed {
        enum Input {
            case image(RGBImage)
            case planes([Float])
        }

        var input: Input
        var crop: FaceCrop?
        var others: [FaceBox]?
    }

    func frame(_ photo: RGBImage, options: CartoonOptions, context: ComputeContext,
               times: inout StageTimes.Stopwatch) -> Framed {
        switch options.crop {
        case .none:
            return Framed(input: .image(photo))
        case .center:
            return Framed(input: .image(photo.centerSquareCrop()))
        case .face:
            let faces = detector.detect(in: photo, context: context, primaryOnly: options.face == .largest)
            let face = FaceCropPolicy.primaryFace(faces, imageWidth: photo.width, imageHeight: photo.height)
            let eyes = face.flatMap { detector.eyes(in: photo, face: $0) }
            times.lap(\.detect)
            let crop = FaceCropPolicy.crop(face: face, eyes: eyes, framing: framing,
                                           imageWidth: photo.width, imageHeight: photo.height)
            let planes = photo.warpedPlanarFloats(crop.region, size: modelSize)
            times.lap(\.align)
            let others = options.face == .all ? faces.filter { $0 != face } : nil
            return Framed(input: .planes(planes), crop: crop, others: others)
        }
    }

    /// Model-sized in, model-sized out; no resampling when the input already has the model's size.
    func stylize(_ input: Framed.Input, resources: Resources) -> RGBImage {
        let size = modelSize
        let planes: [Float]
        switch input {
        case .planes(let warped):
            planes = warped
        case .image(let image):
            planes = (image.width == size && image.height == size ? image : image.resized(width: size, height: size))
                .planarFloats()
        }
        let output = plan.forward(Tensor(shape: [1, 3, size, size], storage: planes), arena: resources.arena,
                                  context: resources.context)
        return RGBImage(planarFloats: output.storage, width: size, height: size)
    }
}
