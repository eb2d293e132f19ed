/// What the deploy files may assume about cartoonify-server: the environment twins of its flags and the
/// defaults they rely on. Kept in one place so a renamed flag shows up as one failing list, not a silently
/// ignored variable in a manifest.
enum ServerSettings {
    static let environmentNames: Set<String> = [
        "CARTOONIFY_HOST", "CARTOONIFY_PORT", "CARTOONIFY_WEIGHTS", "CARTOONIFY_WORKERS",
        "CARTOONIFY_QUEUE_DEPTH", "CARTOONIFY_MAX_BODY_BYTES", "CARTOONIFY_REQUEST_TIMEOUT",
        "CARTOONIFY_DRAIN_TIMEOUT", "CARTOONIFY_LOG_FORMAT", "CARTOONIFY_LOG_LEVEL", "CARTOONIFY_API_KEY",
        "CARTOONIFY_METRICS_PORT", "CARTOONIFY_INFERENCE_THREADS", "CARTOONIFY_MAX_CONNECTIONS",
        "CARTOONIFY_NO_UI",
        "CARTOONIFY_CORE_POLICY",
    ]
    static let port = 8080
    static let defaultDrainTimeoutSeconds = 25
    static let imageWeightsPath = "/app/weights/default.safetensors"
}
