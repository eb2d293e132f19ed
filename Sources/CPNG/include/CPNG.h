#ifndef CARTOONIFY_CPNG_H
#define CARTOONIFY_CPNG_H
/*
 * libpng behind a setjmp/longjmp wall, for the same reason as CJPEG: libpng's error callback must not
 * return, and longjmp across Swift frames is undefined. Every libpng call happens in a C function here
 * that owns the jmp_buf; errors come back as a status plus a message. Nothing from png.h leaks into Swift.
 */
#include <stddef.h>
#include <stdint.h>

#define CP_OK 0
#define CP_ERROR (-1)

typedef struct {
    uint32_t width;
    uint32_t height;
    /* Bytes per output pixel after expansion to 8-bit: 3 (RGB) or 4 (RGBA, to composite in Swift). */
    int output_components;
    /* The eXIf chunk's TIFF structure when it precedes the image data, else NULL; owned by the decoder. */
    const uint8_t *exif;
    uint32_t exif_length;
} cp_header;

typedef struct cp_decoder cp_decoder;

/* NULL only when memory is exhausted. `data` must stay alive until cp_decoder_destroy. */
cp_decoder *cp_decoder_create(const uint8_t *data, size_t size);
/* Reads the chunks before the image data and sets up expansion of every colour type and bit depth to
 * 8-bit RGB or RGBA (palette, grey, tRNS, 16-bit, interlacing). */
int cp_decoder_read_header(cp_decoder *decoder, cp_header *header);
/* Writes height rows of width * output_components bytes; `size` is checked against that. */
int cp_decoder_read_pixels(cp_decoder *decoder, uint8_t *pixels, size_t size);
const char *cp_decoder_message(const cp_decoder *decoder);
void cp_decoder_destroy(cp_decoder *decoder);

/* 8-bit RGB PNG at zlib `level` (0...9). On success *out is malloc'd; release it with cp_free. */
int cp_encode_rgb(const uint8_t *pixels, uint32_t width, uint32_t height, int level, uint8_t **out,
                  size_t *out_size, char *message, size_t message_size);
void cp_free(void *pointer);

#endif
