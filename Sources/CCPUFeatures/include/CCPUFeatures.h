#ifndef CCPUFEATURES_H
#define CCPUFEATURES_H

/// The best kernel level this CPU (and OS) can run: 0 portable, 1 x86-64-v3 (AVX2 + FMA),
/// 2 x86-64-v4 (AVX-512 F/BW/CD/DQ/VL). Always 0 on non-x86 hosts.
int cartoonify_cpu_kernel_level(void);

/// A spin-wait hint (x86 `pause`, arm64 `yield`): lets the sibling hyper-thread run and saves power while a
/// thread polls for work.
static inline void cartoonify_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
