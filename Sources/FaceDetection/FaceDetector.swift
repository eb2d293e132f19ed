import Imaging

/// Finds frontal faces with an OpenCV boosted cascade (Viola-Jones with Haar or LBP features): a grey,
/// downscaled copy of the photo is scanned at every scale, and overlapping hits are grouped into faces.
public struct FaceDetector: Sendable {
    /// Knobs of the multi-scale scan. The defaults suit the bundled cascade; see `bundled`.
    public struct Parameters: Sendable, Equatable {
        /// The photo is area-averaged down to about this many pixels before scanning (the default is 320x240
        /// for a 4:3 photo). Detection time is proportional to it, whatever the aspect ratio; faces smaller
        /// than the cascade window at that size (24 px: a tenth of a 4:3 photo's short edge) are not found.
        public var maxDetectionPixels: Int
        /// Ratio between successive pyramid levels; larger is faster but may step over a face size.
        public var scaleFactor: Double
        /// A face needs more than this many overlapping windows (OpenCV's `minNeighbors`).
        public var minNeighbors: Int

        public init(maxDetectionPixels: Int = 320 * 240, scaleFactor: Double = 1.1, minNeighbors: Int = 3) {
            self.maxDetectionPixels = maxDetectionPixels
            self.scaleFactor = scaleFactor
            self.minNeighbors = minNeighbors
        }
    }

    public var parameters: Parameters
    /// nil only in the stand-in for a bundled cascade that failed to parse: it finds no faces.
    let cascade: Cascade?

    /// Parses an OpenCV cascade in the new XML format (`<opencv_storage><cascade>`, stumps, HAAR or LBP).
    public init(cascadeXML: String, parameters: Parameters = Parameters()) throws(CascadeError) {
        cascade = try Cascade(xml: cascadeXML)
        self.parameters = parameters
    }

    /// The stand-in that finds nothing.
    private init(unloaded parameters: Parameters) {
        cascade = nil
        self.parameters = parameters
    }

    /// The detector over OpenCV's Haar frontal-face cascade compiled into this module (`BundledCascade`),
    /// parsed on first use (about 11 ms). Its parsing is unit-tested, so it cannot fail in a tested build;
    /// were it ever to, this detector finds no faces (`crop=face` degrades to the centre crop) and
    /// `bundledLoadError` says why, instead of the process crashing.
    public static let bundled: FaceDetector = {
        switch bundledLoad {
        case .success(let detector): detector
        case .failure: FaceDetector(unloaded: bundledParameters)
        }
    }()

    /// Why the bundled cascade could not be parsed; nil when `bundled` works (always, in a tested build).
    public static var bundledLoadError: CascadeError? {
        if case .failure(let error) = bundledLoad { error } else { nil }
    }

    /// Defaults measured for the bundled cascade on the test photos (see Tests/FaceDetectionTests/Fixtures).
    public static let bundledParameters = Parameters()

    private static let bundledLoad = Result { () throws(CascadeError) in
        try FaceDetector(cascadeXML: BundledCascade.xml, parameters: bundledParameters)
    }

    /// Faces in `image`, in its pixel coordinates, most strongly supported first (ties: larger first).
    /// `threads` scan pyramid levels concurrently; the result does not depend on it.
    public func detect(in image: RGBImage, threads: Int = 1) -> [FaceBox] {
        precondition(parameters.scaleFactor > 1, "scaleFactor must exceed 1")
        precondition(parameters.maxDetectionPixels > 0, "maxDetectionPixels must be positive")
        guard let cascade else { return [] }
        let grey = GreyImage(areaAveraging: image, maxPixels: parameters.maxDetectionPixels)
        let candidates = scanPyramid(grey, cascade: cascade, scaleFactor: parameters.scaleFactor, threads: threads)
        let scaleX = Double(image.width) / Double(grey.width)
        let scaleY = Double(image.height) / Double(grey.height)
        return groupCandidates(candidates, minNeighbors: parameters.minNeighbors)
            .map { box, votes in
                FaceBox(x: Int((Double(box.x) * scaleX).rounded()), y: Int((Double(box.y) * scaleY).rounded()),
                        width: Int((Double(box.width) * scaleX).rounded()),
                        height: Int((Double(box.height) * scaleY).rounded()), score: votes)
            }
            .sorted { ($0.score, $0.width * $0.height) > ($1.score, $1.width * $1.height) }
    }
}
