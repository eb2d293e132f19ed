#ifndef CARTOONIFY_CJPEG_H
#define CARTOONIFY_CJPEG_H
/*
 * libjpeg behind a setjmp/longjmp wall. libjpeg reports fatal errors by calling error_exit, which must not
 * return; Swift frames cannot be unwound by longjmp, so every libjpeg call happens inside a C function
 * here that owns the jmp_buf, and errors come back as a status code plus a message.
 * Nothing from jpeglib.h leaks into Swift.
 */
#include <stddef.h>
#include <stdint.h>

#define CJ_OK 0
#define CJ_ERROR (-1)

/* Colour model of the stored image, which decides the output layout. */
typedef enum {
    CJ_SPACE_GRAY = 0,   /* output: 3 bytes RGB per pixel (libjpeg expands grey) */
    CJ_SPACE_RGB = 1,    /* YCbCr or RGB in the file; output: 3 bytes RGB per pixel */
    CJ_SPACE_CMYK = 2,   /* CMYK or YCCK in the file; output: 4 bytes CMYK per pixel, as stored */
    CJ_SPACE_OTHER = 3   /* anything else: not decodable */
} cj_space;

typedef struct {
    uint32_t width;
    uint32_t height;
    cj_space space;
    /* Bytes per output pixel: 3 (RGB) or 4 (CMYK). */
    int output_components;
    /* An Adobe APP14 marker was present: CMYK values are stored inverted (Photoshop convention). */
    int adobe_inverted;
} cj_header;

typedef struct cj_decoder cj_decoder;

/* NULL only when memory is exhausted. `data` must stay alive until cj_decoder_destroy; libjpeg may use
 * at most `max_memory` bytes of working memory (coefficient buffers of progressive files). */
cj_decoder *cj_decoder_create(const uint8_t *data, size_t size, size_t max_memory);
int cj_decoder_read_header(cj_decoder *decoder, cj_header *header);
/* Decode at 1/denominator of the size (1, 2, 4 or 8: libjpeg scales in the inverse DCT, so a big photo
 * costs a fraction of the time and memory); call after read_header. The output size is written back. */
int cj_decoder_set_reduction(cj_decoder *decoder, unsigned denominator, uint32_t *width, uint32_t *height);
/* Writes output height rows of output width * output_components bytes; `size` is checked against that. */
int cj_decoder_read_pixels(cj_decoder *decoder, uint8_t *pixels, size_t size);
const char *cj_decoder_message(const cj_decoder *decoder);
void cj_decoder_destroy(cj_decoder *decoder);

/* Baseline JPEG of interleaved RGB rows. On success *out is malloc'd; release it with cj_free. */
int cj_encode_rgb(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                  uint8_t **out, size_t *out_size, char *message, size_t message_size);
void cj_free(void *pointer);

#endif
