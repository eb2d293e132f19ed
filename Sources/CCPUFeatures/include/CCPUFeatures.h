#ifndef CCPUFEATURES_H
#define CCPUFEATURES_H

/// The best kernel level this CPU (and OS) can run: 0 portable, 1 x86-64-v3 (AVX2 + FMA),
/// 2 x86-64-v4 (AVX-512 F/BW/CD/DQ/VL). Always 0 on non-x86 hosts.
int cartoonify_cpu_kernel_level(void);

#endif
