#include "CPNG.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#define CP_MESSAGE_LENGTH 200

typedef struct {
    jmp_buf jump;
    char message[CP_MESSAGE_LENGTH];
} cp_error;

static void cp_error_fn(png_structp png, png_const_charp message) {
    cp_error *error = png_get_error_ptr(png);
    snprintf(error->message, sizeof error->message, "%s", message);
    longjmp(error->jump, 1);
}

/* Warnings (bad ancillary chunks, odd profiles) do not stop decoding; the default prints to stderr. */
static void cp_warning_fn(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

struct cp_decoder {
    cp_error error;
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    png_bytep *rows;
};

static void cp_read_fn(png_structp png, png_bytep out, size_t length) {
    cp_decoder *decoder = png_get_io_ptr(png);
    if (length > decoder->size - decoder->offset) png_error(png, "PNG data is truncated");
    memcpy(out, decoder->data + decoder->offset, length);
    decoder->offset += length;
}

cp_decoder *cp_decoder_create(const uint8_t *data, size_t size) {
    cp_decoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) return NULL;
    decoder->data = data;
    decoder->size = size;
    return decoder;
}

int cp_decoder_read_header(cp_decoder *decoder, cp_header *header) {
    if (decoder->png != NULL) return CP_ERROR;
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &decoder->error, cp_error_fn,
                                          cp_warning_fn);
    if (decoder->png == NULL) {
        snprintf(decoder->error.message, sizeof decoder->error.message, "out of memory");
        return CP_ERROR;
    }
    png_structp png = decoder->png;
    if (setjmp(decoder->error.jump)) return CP_ERROR;
    decoder->info = png_create_info_struct(png);
    if (decoder->info == NULL) png_error(png, "out of memory");
    png_infop info = decoder->info;
    /* Size limits are the caller's (checked from IHDR before any pixel memory exists); lift libpng's
     * own 1M-pixel edge cap so every legal size reaches that check and is reported as too large. */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_set_read_fn(png, decoder, cp_read_fn);
    png_read_info(png, info);

    png_set_expand(png);      /* palette -> RGB, grey < 8 bit -> 8 bit, tRNS -> alpha */
    png_set_strip_16(png);    /* 16 -> 8 bit by the high byte, as Pillow does */
    png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    header->width = png_get_image_width(png, info);
    header->height = png_get_image_height(png, info);
    header->output_components = png_get_channels(png, info);
    png_bytep exif = NULL;
    png_uint_32 exif_length = 0;
    if (png_get_eXIf_1(png, info, &exif_length, &exif) != 0 && exif != NULL) {
        header->exif = exif;
        header->exif_length = exif_length;
    } else {
        header->exif = NULL;
        header->exif_length = 0;
    }
    if (png_get_bit_depth(png, info) != 8 ||
        (header->output_components != 3 && header->output_components != 4)) {
        png_error(png, "PNG colour type could not be expanded to 8-bit RGB");
    }
    return CP_OK;
}

int cp_decoder_read_pixels(cp_decoder *decoder, uint8_t *pixels, size_t size) {
    if (decoder->info == NULL) return CP_ERROR;
    png_structp png = decoder->png;
    if (setjmp(decoder->error.jump)) return CP_ERROR;
    png_infop info = decoder->info;
    uint32_t height = png_get_image_height(png, info);
    size_t stride = png_get_rowbytes(png, info);
    if (stride * height != size) png_error(png, "output buffer does not fit the image");
    decoder->rows = malloc(sizeof(png_bytep) * height);
    if (decoder->rows == NULL) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) decoder->rows[y] = pixels + stride * y;
    png_read_image(png, decoder->rows);
    return CP_OK;
}

const char *cp_decoder_message(const cp_decoder *decoder) {
    return decoder->error.message[0] ? decoder->error.message : "unknown PNG error";
}

void cp_decoder_destroy(cp_decoder *decoder) {
    if (decoder == NULL) return;
    if (decoder->png != NULL) png_destroy_read_struct(&decoder->png, &decoder->info, NULL);
    free(decoder->rows);
    free(decoder);
}

typedef struct {
    cp_error error;
    png_structp png;
    png_infop info;
    uint8_t *buffer;
    size_t size;
    size_t capacity;
} cp_encoder;

static void cp_write_fn(png_structp png, png_bytep data, size_t length) {
    cp_encoder *encoder = png_get_io_ptr(png);
    if (length > encoder->capacity - encoder->size) {
        size_t capacity = encoder->capacity ? encoder->capacity : 65536;
        while (length > capacity - encoder->size) {
            if (capacity > SIZE_MAX / 2) png_error(png, "PNG output too large");
            capacity *= 2;
        }
        uint8_t *grown = realloc(encoder->buffer, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        encoder->buffer = grown;
        encoder->capacity = capacity;
    }
    memcpy(encoder->buffer + encoder->size, data, length);
    encoder->size += length;
}

static void cp_flush_fn(png_structp png) { (void)png; }

static int cp_encode(cp_encoder *encoder, const uint8_t *pixels, uint32_t width, uint32_t height,
                     int level) {
    if (setjmp(encoder->error.jump)) return CP_ERROR;
    png_structp png = encoder->png;
    encoder->info = png_create_info_struct(png);
    if (encoder->info == NULL) png_error(png, "out of memory");
    png_infop info = encoder->info;
    png_set_write_fn(png, encoder, cp_write_fn, cp_flush_fn);
    png_set_compression_level(png, level);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t stride = (size_t)width * 3;
    for (uint32_t y = 0; y < height; y++) png_write_row(png, pixels + stride * y);
    png_write_end(png, NULL);
    return CP_OK;
}

int cp_encode_rgb(const uint8_t *pixels, uint32_t width, uint32_t height, int level, uint8_t **out,
                  size_t *out_size, char *message, size_t message_size) {
    cp_encoder *encoder = calloc(1, sizeof *encoder);
    if (encoder == NULL) {
        snprintf(message, message_size, "out of memory");
        return CP_ERROR;
    }
    encoder->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &encoder->error, cp_error_fn,
                                           cp_warning_fn);
    int status = CP_ERROR;
    if (encoder->png == NULL) {
        snprintf(encoder->error.message, sizeof encoder->error.message, "out of memory");
    } else {
        status = cp_encode(encoder, pixels, width, height, level);
        png_destroy_write_struct(&encoder->png, &encoder->info);
    }
    if (status == CP_OK) {
        *out = encoder->buffer;
        *out_size = encoder->size;
    } else {
        snprintf(message, message_size, "%s", encoder->error.message);
        free(encoder->buffer);
    }
    free(encoder);
    return status;
}

void cp_free(void *pointer) { free(pointer); }
