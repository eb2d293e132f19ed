#include "CJPEG.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/* A legitimate progressive file has about ten scans; hundreds of tiny scans over a large frame are a
 * denial-of-service pattern (each scan revisits the whole coefficient buffer), so refuse them. */
#define CJ_MAX_SCANS 100

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    int hit_eof;
} cj_error;

struct cj_decoder {
    struct jpeg_decompress_struct info;
    cj_error error;
    struct jpeg_progress_mgr progress;
    const uint8_t *data;
    size_t size;
    size_t max_memory;
    int created;
};

static void cj_error_exit(j_common_ptr cinfo) {
    cj_error *error = (cj_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->jump, 1);
}

/* Warnings: stay silent (the default prints to stderr), but remember a premature end of data, which the
 * mem source papers over with a fake EOI and grey rows: a truncated upload is an error, not a picture. */
static void cj_emit_message(j_common_ptr cinfo, int level) {
    cj_error *error = (cj_error *)cinfo->err;
    if (level < 0) {
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) error->hit_eof = 1;
        cinfo->err->num_warnings++;
    }
}

static void cj_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void cj_progress(j_common_ptr cinfo) {
    j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
    if (dinfo->input_scan_number > CJ_MAX_SCANS) {
        cj_error *error = (cj_error *)cinfo->err;
        snprintf(error->message, sizeof error->message, "JPEG has more than %d scans",
                 CJ_MAX_SCANS);
        longjmp(error->jump, 1);
    }
}

static void cj_install_errors(cj_error *error, struct jpeg_error_mgr **slot) {
    *slot = jpeg_std_error(&error->base);
    error->base.error_exit = cj_error_exit;
    error->base.emit_message = cj_emit_message;
    error->base.output_message = cj_output_message;
    error->message[0] = 0;
    error->hit_eof = 0;
}

cj_decoder *cj_decoder_create(const uint8_t *data, size_t size, size_t max_memory) {
    cj_decoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) return NULL;
    decoder->data = data;
    decoder->size = size;
    decoder->max_memory = max_memory;
    cj_install_errors(&decoder->error, &decoder->info.err);
    return decoder;
}

int cj_decoder_read_header(cj_decoder *decoder, cj_header *header) {
    if (decoder->created) return CJ_ERROR;
    if (setjmp(decoder->error.jump)) return CJ_ERROR;
    struct jpeg_decompress_struct *info = &decoder->info;
    jpeg_create_decompress(info);
    decoder->created = 1;
    /* Without a cap libjpeg allocates whatever the frame header asks for. */
    info->mem->max_memory_to_use = (long)decoder->max_memory;
    decoder->progress.progress_monitor = cj_progress;
    info->progress = &decoder->progress;
    jpeg_mem_src(info, decoder->data, (unsigned long)decoder->size);
    jpeg_read_header(info, TRUE);
    header->width = info->image_width;
    header->height = info->image_height;
    header->adobe_inverted = info->saw_Adobe_marker ? 1 : 0;
    switch (info->jpeg_color_space) {
    case JCS_GRAYSCALE:
        header->space = CJ_SPACE_GRAY;
        info->out_color_space = JCS_RGB;
        header->output_components = 3;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        header->space = CJ_SPACE_RGB;
        info->out_color_space = JCS_RGB;
        header->output_components = 3;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        header->space = CJ_SPACE_CMYK;
        info->out_color_space = JCS_CMYK;
        header->output_components = 4;
        break;
    default:
        header->space = CJ_SPACE_OTHER;
        header->output_components = 0;
        snprintf(decoder->error.message, sizeof decoder->error.message,
                 "unsupported JPEG colour space with %d components", info->num_components);
        return CJ_ERROR;
    }
    return CJ_OK;
}

int cj_decoder_set_reduction(cj_decoder *decoder, unsigned denominator, uint32_t *width, uint32_t *height) {
    if (!decoder->created) return CJ_ERROR;
    if (setjmp(decoder->error.jump)) return CJ_ERROR;
    struct jpeg_decompress_struct *info = &decoder->info;
    info->scale_num = 1;
    info->scale_denom = denominator;
    jpeg_calc_output_dimensions(info);
    *width = info->output_width;
    *height = info->output_height;
    return CJ_OK;
}

int cj_decoder_read_pixels(cj_decoder *decoder, uint8_t *pixels, size_t size) {
    if (!decoder->created) return CJ_ERROR;
    if (setjmp(decoder->error.jump)) return CJ_ERROR;
    struct jpeg_decompress_struct *info = &decoder->info;
    jpeg_start_decompress(info);
    size_t stride = (size_t)info->output_width * (size_t)info->output_components;
    if (stride * info->output_height != size) {
        snprintf(decoder->error.message, sizeof decoder->error.message,
                 "output buffer of %zu bytes does not fit %ux%u", size, info->output_width,
                 info->output_height);
        return CJ_ERROR;
    }
    while (info->output_scanline < info->output_height) {
        JSAMPROW row = pixels + stride * info->output_scanline;
        if (jpeg_read_scanlines(info, &row, 1) != 1) {
            snprintf(decoder->error.message, sizeof decoder->error.message, "JPEG decoder stalled");
            return CJ_ERROR;
        }
    }
    if (decoder->error.hit_eof) {
        snprintf(decoder->error.message, sizeof decoder->error.message, "JPEG data is truncated");
        return CJ_ERROR;
    }
    return CJ_OK;
}

const char *cj_decoder_message(const cj_decoder *decoder) {
    return decoder->error.message[0] ? decoder->error.message : "unknown JPEG error";
}

void cj_decoder_destroy(cj_decoder *decoder) {
    if (decoder == NULL) return;
    if (decoder->created) jpeg_destroy_decompress(&decoder->info);
    free(decoder);
}

/* The encoder writes into its own growable buffer rather than jpeg_mem_dest's, whose buffer ownership
 * after an error is unclear; here an error simply frees what was written. */
typedef struct {
    struct jpeg_destination_mgr base;
    uint8_t *buffer;
    size_t capacity;
} cj_destination;

typedef struct {
    struct jpeg_compress_struct info;
    cj_error error;
    cj_destination destination;
    int created;
} cj_encoder;

#define CJ_CHUNK 65536

static void cj_init_destination(j_compress_ptr cinfo) {
    cj_destination *destination = (cj_destination *)cinfo->dest;
    destination->buffer = malloc(CJ_CHUNK);
    if (destination->buffer == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
    destination->capacity = CJ_CHUNK;
    destination->base.next_output_byte = destination->buffer;
    destination->base.free_in_buffer = CJ_CHUNK;
}

static boolean cj_empty_output_buffer(j_compress_ptr cinfo) {
    /* libjpeg calls this only when the buffer is completely full. */
    cj_destination *destination = (cj_destination *)cinfo->dest;
    size_t used = destination->capacity;
    uint8_t *grown = realloc(destination->buffer, used * 2);
    if (grown == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 1);
    destination->buffer = grown;
    destination->capacity = used * 2;
    destination->base.next_output_byte = grown + used;
    destination->base.free_in_buffer = used;
    return TRUE;
}

static void cj_term_destination(j_compress_ptr cinfo) { (void)cinfo; }

static int cj_encode(cj_encoder *encoder, const uint8_t *pixels, uint32_t width, uint32_t height,
                     int quality) {
    if (setjmp(encoder->error.jump)) return CJ_ERROR;
    struct jpeg_compress_struct *info = &encoder->info;
    jpeg_create_compress(info);
    encoder->created = 1;
    encoder->destination.base.init_destination = cj_init_destination;
    encoder->destination.base.empty_output_buffer = cj_empty_output_buffer;
    encoder->destination.base.term_destination = cj_term_destination;
    info->dest = &encoder->destination.base;
    info->image_width = width;
    info->image_height = height;
    info->input_components = 3;
    info->in_color_space = JCS_RGB;
    jpeg_set_defaults(info);
    jpeg_set_quality(info, quality, TRUE);
    jpeg_start_compress(info, TRUE);
    size_t stride = (size_t)width * 3;
    while (info->next_scanline < info->image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * info->next_scanline);
        jpeg_write_scanlines(info, &row, 1);
    }
    jpeg_finish_compress(info);
    return CJ_OK;
}

int cj_encode_rgb(const uint8_t *pixels, uint32_t width, uint32_t height, int quality, uint8_t **out,
                  size_t *out_size, char *message, size_t message_size) {
    cj_encoder *encoder = calloc(1, sizeof *encoder);
    if (encoder == NULL) {
        snprintf(message, message_size, "out of memory");
        return CJ_ERROR;
    }
    cj_install_errors(&encoder->error, &encoder->info.err);
    int status = cj_encode(encoder, pixels, width, height, quality);
    if (status == CJ_OK) {
        *out = encoder->destination.buffer;
        *out_size = encoder->destination.capacity - encoder->destination.base.free_in_buffer;
    } else {
        snprintf(message, message_size, "%s", encoder->error.message);
        free(encoder->destination.buffer);
    }
    if (encoder->created) jpeg_destroy_compress(&encoder->info);
    free(encoder);
    return status;
}

void cj_free(void *pointer) { free(pointer); }
