#!/bin/bash
# Container health probe for Docker's HEALTHCHECK and compose: the runtime image has no curl, so bash's
# /dev/tcp sends one HTTP/1.1 request and the status line of the answer must say 200.
# Exit 0 healthy, 1 not (connection refused, timeout, or any other status).
set -u
port="${CARTOONIFY_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3 || exit 1
read -r -t 2 _ status _ <&3 || exit 1
[ "${status}" = 200 ]
