#ifndef CARTOONIFY_CJPEG_H
#define CARTOONIFY_CJPEG_H
#include <stdio.h>
#include <jpeglib.h>
#endif
