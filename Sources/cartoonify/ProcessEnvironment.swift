import FaceDetection
import Foundation
import Kernels

/// `CARTOONIFY_KERNELS` and `CARTOONIFY_CASCADES`, read here in the executable (as the server reads them)
/// and handed to the libraries, which take them as parameters.
enum ProcessEnvironment {
    /// The best kernel path this CPU runs, or a lower one the variable names; an unknown name is an error.
    static func kernels() throws -> KernelPath {
        try KernelPath.requested(ProcessInfo.processInfo.environment[KernelPath.environmentVariable])
    }

    /// The bundled face detector, read from the folder the variable names or beside the binary.
    static func detector() throws -> FaceDetector {
        let folder = CascadeResources.directory(override: ProcessInfo.processInfo.environment[CascadeResources.environmentVariable])
        var detector = try FaceDetector.bundled(directory: folder)
        detector.kernels = try kernels()
        return detector
    }
}
