# syntax=docker/dockerfile:1
#
# Cartoonify server image: build with the official Swift toolchain, run on a plain Debian slim base.
#
#   docker build -t cartoonify:latest .
#   docker run --rm -p 8080:8080 cartoonify:latest
#
# The Swift standard library and Foundation are linked statically (--static-swift-stdlib), so the runtime
# stage needs only the C libraries the image codecs use (libjpeg-turbo, libpng, zlib). The face cascades
# and the try-it page are resource bundles that the server finds next to its binary
# (cartoonify_FaceDetection.resources, cartoonify_CartoonService.resources).

ARG SWIFT_VERSION=6.3
ARG DEBIAN_VERSION=bookworm

# ---------------------------------------------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-${DEBIAN_VERSION} AS build

# Codec headers for the CJPEG/CPNG targets. Versions float with the Debian release on purpose: pinning
# exact Debian revisions breaks the build as soon as the mirror drops them.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo-dev libpng-dev zlib1g-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Resolve dependencies in their own layer: it is reused until Package.swift (or Package.resolved) changes.
COPY Package.* ./
RUN swift package resolve

# SwiftPM checks every declared target's folder, test targets included, so Tests/ is copied too.
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product cartoonify-server \
    && swift build -c release --static-swift-stdlib --product cartoonify \
    && mkdir -p /staging/weights \
    && cp "$(swift build -c release --show-bin-path)/cartoonify-server" /staging/ \
    && cp "$(swift build -c release --show-bin-path)/cartoonify" /staging/ \
    && cp -R "$(swift build -c release --show-bin-path)/cartoonify_CartoonService.resources" /staging/ \
    && cp -R "$(swift build -c release --show-bin-path)/cartoonify_FaceDetection.resources" /staging/ \
    && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/

COPY weights/default.safetensors /staging/weights/default.safetensors
COPY --chmod=0755 deploy/healthcheck.sh /staging/healthcheck.sh

# ---------------------------------------------------------------------------------------------------------
FROM debian:${DEBIAN_VERSION}-slim AS runtime

# What `ldd cartoonify-server` lists beyond libc: the codec libraries and libstdc++ (the Swift runtime is
# static but its C++ parts are not). Nothing else: no compiler, no Swift toolchain, no curl.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo libpng16-16 zlib1g libstdc++6 \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric UID so Kubernetes' runAsNonRoot can verify it without resolving names.
RUN groupadd --system --gid 10001 cartoonify \
    && useradd --system --uid 10001 --gid cartoonify --no-create-home --home-dir /app --shell /usr/sbin/nologin cartoonify

WORKDIR /app
# The resource bundle (the try-it page, the API description) must sit beside the binary, which finds it there.
COPY --from=build --chown=root:root /staging/ /app/

# The server resolves the default weights relative to the working directory (weights/default.safetensors).
ENV CARTOONIFY_HOST=0.0.0.0 \
    CARTOONIFY_PORT=8080 \
    CARTOONIFY_WEIGHTS=/app/weights/default.safetensors \
    CARTOONIFY_LOG_FORMAT=json \
    CARTOONIFY_LOG_LEVEL=info \
    CARTOONIFY_DRAIN_TIMEOUT=25 \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/app/swift-backtrace-static

USER 10001:10001
EXPOSE 8080

# No curl in the image: the probe is a bash /dev/tcp script (deploy/healthcheck.sh), shared with compose.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 CMD ["/app/healthcheck.sh"]

# SIGTERM starts the drain (stop accepting, /readyz 503, finish in-flight work, exit 0).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/cartoonify-server"]
