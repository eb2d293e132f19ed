#ifndef CBF16_H
#define CBF16_H

#include <stdint.h>

/// 1 when this CPU multiplies bfloat16 pairs into float32 (AVX512_BF16, `vdpbf16ps`) and the OS saves the
/// AVX-512 state; the kernels below may be called only then.
int cartoonify_bf16_supported(void);

/// Float32 -> bfloat16, rounded to nearest even (NaN stays NaN): the rounding `vcvtne2ps2bf16` does.
uint16_t cartoonify_bf16_from_float(float value);

/// Columns of C one kernel pass writes: two AVX-512 vectors.
#define CARTOONIFY_BF16_PANEL 32

/// A (m x k, row-major, row stride lda) as bfloat16 pairs along k: `out[r * kpairs + p]` holds A[r][2p] in its
/// low and A[r][2p+1] in its high half, a missing last column as zero. kpairs = (k + 1) / 2.
void cartoonify_bf16_pack_a(const float *a, int m, int k, int lda, uint32_t *out);

/// B (k x n, row-major, row stride ldb) as panels of CARTOONIFY_BF16_PANEL columns: panel j holds, for each
/// k pair p, the 32 columns' (B[2p][c], B[2p+1][c]) pairs; columns past n and a missing last row are zero.
/// `out` holds ceil(n / 32) * kpairs * 32 pairs.
void cartoonify_bf16_pack_b(const float *b, int k, int n, int ldb, uint32_t *out);

/// `cartoonify_bf16_pack_b` for a B whose row r starts at `base + row_offsets[r]` (an implicit-GEMM convolution:
/// row r is one (channel, ky, kx) of the padded input, read from that offset on).
void cartoonify_bf16_pack_b_rows(const float *base, const long *row_offsets, int k, int n, uint32_t *out);

/// C (m x n, row stride ldc) = (accumulate ? C : 0) + A x B with both operands packed as above; every
/// product of two bfloat16 values is summed in float32. Needs cartoonify_bf16_supported().
void cartoonify_bf16_gemm(int m, int n, int kpairs, const uint32_t *a, const uint32_t *b, float *c, int ldc,
                          int accumulate);

#endif
