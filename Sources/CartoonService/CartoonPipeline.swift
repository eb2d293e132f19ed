import FaceDetection
import Imaging
import NN
import Tensor

/// One photo in, one PNG cartoon out: decode, frame, resize to the model, generate, resize to the asked
/// size, encode. Plain values in and out, so the CLI and the tests run exactly what the server runs.
public struct CartoonPipeline: Sendable {
    /// The generator compiled for the fast kernels; shared read-only by every worker.
    public let plan: GeneratorPlan
    public let detector: FaceDetector
    public var decodeLimits: DecodeLimits
    public var pngCompressionLevel: Int

    public init(generator: Generator, detector: FaceDetector = .bundled, decodeLimits: DecodeLimits = DecodeLimits(),
                pngCompressionLevel: Int = 1) {
        plan = GeneratorPlan(generator)
        self.detector = detector
        self.decodeLimits = decodeLimits
        self.pngCompressionLevel = pngCompressionLevel
    }

    public var modelSize: Int { plan.config.inputSize }

    /// What one run may use: the calling worker's activation memory, and how many cores one inference
    /// may spread over (workers x threads should not exceed the cores).
    public struct Resources {
        public let arena: InferenceArena
        public let threads: Int

        public init(arena: InferenceArena = InferenceArena(), threads: Int = 1) {
            self.arena = arena
            self.threads = threads
        }
    }

    public struct Result: Sendable {
        public var png: [UInt8]
        /// The face the crop was made around; nil when none was found or detection was not asked.
        public var face: FaceBox?
        /// nil when the crop mode did not ask for detection.
        public var faceDetected: Bool?
        public var inferenceTime: Duration
    }

    /// `checkpoint` runs between stages and throws to abandon work nobody waits for any more.
    public func run(_ bytes: [UInt8], options: CartoonOptions, resources: Resources,
                    checkpoint: () throws(ServiceError) -> Void = {}) throws(ServiceError) -> Result {
        let decoded = try decode(bytes, minimumSide: minimumDecodedSide(options.crop))
        try checkpoint()
        let (framed, found, detected) = frame(decoded.image, mode: options.crop, threads: resources.threads)
        let face = found.map { box in
            let r = decoded.reduction
            return FaceBox(x: box.x * r, y: box.y * r, width: box.width * r, height: box.height * r, score: box.score)
        }
        try checkpoint()
        let clock = ContinuousClock()
        let start = clock.now
        let cartoon = stylize(framed, resources: resources)
        let inferenceTime = start.duration(to: clock.now)
        try checkpoint()
        let size = options.size ?? modelSize
        let output = size == cartoon.width ? cartoon : cartoon.resized(width: size, height: size)
        do {
            let png = try PNGEncoder.encode(output, compressionLevel: pngCompressionLevel)
            return Result(png: png, face: face, faceDetected: detected, inferenceTime: inferenceTime)
        } catch {
            throw ServiceError(error)
        }
    }

    /// The shorter side a photo needs for `mode`: the model's side when the whole photo (or its centre)
    /// is shrunk to it; four times that for a face crop (1.6 face widths), so that a face filling a
    /// sixth of the shorter side still comes out at least model-sized. Bigger JPEGs decode at 1/2 to 1/8.
    func minimumDecodedSide(_ mode: CropMode) -> Int {
        mode == .face ? 4 * modelSize : modelSize
    }

    func decode(_ bytes: [UInt8], minimumSide: Int) throws(ServiceError) -> DecodedImage {
        do {
            return try ImageDecoder.decode(bytes, limits: decodeLimits, minimumSide: minimumSide)
        } catch {
            throw ServiceError(error)
        }
    }

    /// The square the generator sees, and the face it was cut around.
    func frame(_ photo: RGBImage, mode: CropMode, threads: Int) -> (RGBImage, FaceBox?, Bool?) {
        switch mode {
        case .none:
            return (photo, nil, nil)
        case .center:
            return (photo.centerSquareCrop(), nil, nil)
        case .face:
            let faces = detector.detect(in: photo, threads: threads)
            let crop = FaceCropPolicy.crop(faces: faces, imageWidth: photo.width, imageHeight: photo.height)
            let box = crop.box
            return (photo.cropped(x: box.x, y: box.y, width: box.side, height: box.side), crop.face, crop.face != nil)
        }
    }

    /// Model-sized in, model-sized out; no resampling when the input already has the model's size.
    func stylize(_ image: RGBImage, resources: Resources) -> RGBImage {
        let size = modelSize
        let input = image.width == size && image.height == size ? image : image.resized(width: size, height: size)
        let tensor = Tensor(shape: [1, 3, size, size], storage: input.planarFloats())
        let output = plan.forward(tensor, arena: resources.arena, threads: resources.threads)
        return RGBImage(planarFloats: output.storage, width: size, height: size)
    }
}
