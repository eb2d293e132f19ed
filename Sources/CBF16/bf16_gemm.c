#include "CBF16.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#endif

int cartoonify_bf16_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}

uint16_t cartoonify_bf16_from_float(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40u); /* quiet NaN */
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return (uint16_t)(bits >> 16);
}

static inline uint32_t pair(float low, float high) {
    return (uint32_t)cartoonify_bf16_from_float(low) | ((uint32_t)cartoonify_bf16_from_float(high) << 16);
}

void cartoonify_bf16_pack_a(const float *a, int m, int k, int lda, uint32_t *out) {
    int kpairs = (k + 1) / 2;
    for (int r = 0; r < m; r++) {
        const float *row = a + (long)r * lda;
        for (int p = 0; p < kpairs; p++) {
            out[(long)r * kpairs + p] = pair(row[2 * p], 2 * p + 1 < k ? row[2 * p + 1] : 0.0f);
        }
    }
}

#if defined(__x86_64__)
/* Row r of B: `base + offsets[r]` when offsets are given, else `base + r * ldb`. */
static inline const float *b_row(const float *base, const long *offsets, long ldb, int r) {
    return base + (offsets ? offsets[r] : (long)r * ldb);
}

/* Panels of B as bfloat16 pairs: 16 columns of two rows rounded by `vcvtneps2bf16` and interleaved by widening,
   the tail of the last panel through masked loads (zero past n). */
BF16_TARGET static void pack_b(const float *base, const long *offsets, long ldb, int k, int n, uint32_t *out) {
    int kpairs = (k + 1) / 2, panels = (n + CARTOONIFY_BF16_PANEL - 1) / CARTOONIFY_BF16_PANEL;
    for (int p = 0; p < kpairs; p++) {
        const float *low = b_row(base, offsets, ldb, 2 * p);
        const float *high = 2 * p + 1 < k ? b_row(base, offsets, ldb, 2 * p + 1) : NULL;
        for (int j = 0; j < panels; j++) {
            uint32_t *dst = out + ((long)j * kpairs + p) * CARTOONIFY_BF16_PANEL;
            for (int half = 0; half < CARTOONIFY_BF16_PANEL; half += 16) {
                int column = j * CARTOONIFY_BF16_PANEL + half;
                int left = n - column;
                __mmask16 mask = (__mmask16)(left >= 16 ? 0xffff : left > 0 ? (1u << left) - 1 : 0);
                __m512i l = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, low + column)));
                __m512i h = high
                    ? _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, high + column)))
                    : _mm512_setzero_si512();
                _mm512_storeu_si512(dst + half, _mm512_or_si512(l, _mm512_slli_epi32(h, 16)));
            }
        }
    }
}
#else
static void pack_b(const float *base, const long *offsets, long ldb, int k, int n, uint32_t *out) {
    (void)base; (void)offsets; (void)ldb; (void)k; (void)n; (void)out;
}
#endif

void cartoonify_bf16_pack_b(const float *b, int k, int n, int ldb, uint32_t *out) {
    pack_b(b, NULL, ldb, k, n, out);
}

void cartoonify_bf16_pack_b_rows(const float *base, const long *row_offsets, int k, int n, uint32_t *out) {
    pack_b(base, row_offsets, 0, k, n, out);
}

#if defined(__x86_64__)
/* MR rows x 32 columns of C: 2 * MR accumulators, two B loads and MR broadcasts per k pair. */
#define MR 6
/* K pairs of one pass: a 6-row slice of A (3 KB) and a panel's slice of B (16 KB) stay in L1 while a pass
   runs over every panel and row tile. */
#define KB 128

BF16_TARGET static void tile(int rows, int depth, const uint32_t *a, int lda, const uint32_t *b, float *c, int ldc,
                             __mmask16 mask0, __mmask16 mask1, int accumulate) {
    __m512 acc[MR][2];
    for (int r = 0; r < MR; r++) {
        if (r < rows && accumulate) {
            acc[r][0] = _mm512_maskz_loadu_ps(mask0, c + (long)r * ldc);
            acc[r][1] = _mm512_maskz_loadu_ps(mask1, c + (long)r * ldc + 16);
        } else {
            acc[r][0] = _mm512_setzero_ps();
            acc[r][1] = _mm512_setzero_ps();
        }
    }
    for (int p = 0; p < depth; p++) {
        __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + (long)p * CARTOONIFY_BF16_PANEL);
        __m512bh b1 = (__m512bh)_mm512_loadu_si512(b + (long)p * CARTOONIFY_BF16_PANEL + 16);
        for (int r = 0; r < MR; r++) {
            if (r < rows) {
                __m512bh ar = (__m512bh)_mm512_set1_epi32((int)a[(long)r * lda + p]);
                acc[r][0] = _mm512_dpbf16_ps(acc[r][0], ar, b0);
                acc[r][1] = _mm512_dpbf16_ps(acc[r][1], ar, b1);
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        _mm512_mask_storeu_ps(c + (long)r * ldc, mask0, acc[r][0]);
        _mm512_mask_storeu_ps(c + (long)r * ldc + 16, mask1, acc[r][1]);
    }
}

BF16_TARGET static void gemm(int m, int n, int kpairs, const uint32_t *a, const uint32_t *b, float *c, int ldc,
                             int accumulate) {
    for (int k0 = 0; k0 < kpairs; k0 += KB) {
        int depth = kpairs - k0 < KB ? kpairs - k0 : KB;
        for (int i = 0; i < m; i += MR) {
            int rows = m - i < MR ? m - i : MR;
            for (int j = 0; j < n; j += CARTOONIFY_BF16_PANEL) {
                int columns = n - j < CARTOONIFY_BF16_PANEL ? n - j : CARTOONIFY_BF16_PANEL;
                __mmask16 mask0 = (__mmask16)(columns >= 16 ? 0xffff : (1u << columns) - 1);
                __mmask16 mask1 = (__mmask16)(columns >= 32 ? 0xffff : columns > 16 ? (1u << (columns - 16)) - 1 : 0);
                const uint32_t *panel = b + ((long)(j / CARTOONIFY_BF16_PANEL) * kpairs + k0) * CARTOONIFY_BF16_PANEL;
                tile(rows, depth, a + (long)i * kpairs + k0, kpairs, panel, c + (long)i * ldc + j, ldc, mask0, mask1,
                     accumulate || k0 > 0);
            }
        }
    }
}
#endif

void cartoonify_bf16_gemm(int m, int n, int kpairs, const uint32_t *a, const uint32_t *b, float *c, int ldc,
                          int accumulate) {
#if defined(__x86_64__)
    gemm(m, n, kpairs, a, b, c, ldc, accumulate);
#else
    (void)m; (void)n; (void)kpairs; (void)a; (void)b; (void)c; (void)ldc; (void)accumulate;
#endif
}
