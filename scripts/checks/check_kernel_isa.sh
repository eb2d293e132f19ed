#!/bin/sh
# Checks the machine code of the per-ISA kernel targets in a release build: the AVX-512 target uses zmm
# FMAs, the AVX2 target ymm FMAs and no zmm, the portable target no FMA instructions, and no target calls
# the `fmaf` library function (what Swift emits for fused multiply-adds compiled without FMA).
#   swift build -c release --product cartoonify-bench && scripts/checks/check_kernel_isa.sh [BUILD_DIR]
# BUILD_DIR defaults to the repository's .build/release.
set -eu
dir=${1:-$(cd "$(dirname "$0")/../.." && pwd)/.build/release}
status=0
count() { objdump -d --no-show-raw-insn "$dir/$1.build/"*.o | grep -cE "$2" || true; }
calls() { objdump -dr "$dir/$1.build/"*.o | grep -c 'fmaf' || true; }
check() {
    if [ "$3" = yes ] && [ "$2" -eq 0 ]; then echo "FAIL $1: $4 expected, none found"; status=1; fi
    if [ "$3" = no ] && [ "$2" -ne 0 ]; then echo "FAIL $1: $2 x $4 found"; status=1; fi
}
for target in KernelsAVX512 KernelsAVX2 KernelsPortable KernelsCore Kernels; do
    check $target "$(calls $target)" no "fmaf calls"
done
check KernelsAVX512 "$(count KernelsAVX512 'vfmadd[0-9a-z]+ .*zmm')" yes "zmm vfmadd"
check KernelsAVX2 "$(count KernelsAVX2 'vfmadd[0-9a-z]+ .*ymm')" yes "ymm vfmadd"
check KernelsAVX2 "$(count KernelsAVX2 'zmm')" no "zmm instructions"
check KernelsPortable "$(count KernelsPortable 'vfmadd')" no "FMA instructions"
check KernelsPortable "$(count KernelsPortable 'ymm|zmm')" no "256/512-bit instructions"
echo "AVX-512: $(count KernelsAVX512 'vfmadd[0-9a-z]+ .*zmm') zmm FMAs; AVX2: $(count KernelsAVX2 'vfmadd[0-9a-z]+ .*ymm') ymm FMAs;" \
     "portable: $(count KernelsPortable 'mulps') mulps, $(count KernelsPortable 'vfmadd') FMAs"
[ $status -eq 0 ] && echo "ISA check passed"
exit $status
