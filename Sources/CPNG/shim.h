#ifndef CARTOONIFY_CPNG_SHIM_H
#define CARTOONIFY_CPNG_SHIM_H
#include <png.h>
#include <zlib.h>
#endif
