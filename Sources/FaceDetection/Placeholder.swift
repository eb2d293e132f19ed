// Placeholder until the FaceDetection module lands.
