/* The quantizer, with the semantics of the Student-Float paper:
 *   scale = absmax(group) * clip / max|v|
 * and each scaled input goes to the nearest format value, ties to the lower
 * value (x maps to value i when mid(i-1) < x <= mid(i)). Round-to-nearest-even
 * is offered for formats whose code LSB is the mantissa LSB.
 *
 * Tensors are row-major matrices [rows][cols] whose last axis (cols) is the
 * reduction axis: weights as [out_channels][in_channels], activations as
 * [tokens][in_channels]. Groups run along that axis.
 *
 * Edge cases, by definition:
 *   - an all-zero group gets scale 0; every element encodes as the zero code
 *     and dequantizes to 0 (the paper's code divides by zero here);
 *   - NaN or an infinity anywhere is rejected with an error naming its index;
 *   - subnormal floats are ordinary small numbers (no flush to zero): scaling
 *     is done in double precision, so a group of subnormals keeps its shape. */
#ifndef NIBBLE_QUANT_H
#define NIBBLE_QUANT_H

#include <stddef.h>
#include <stdint.h>

#include "nibble/format.h"

typedef enum nb_rounding {
    NB_ROUND_NEAREST_LOWER, /* the paper's rule: ties go to the lower value */
    NB_ROUND_NEAREST_EVEN,  /* ties go to the code with LSB 0 */
} nb_rounding;

typedef enum nb_granularity {
    NB_SCALE_TENSOR,   /* one scale for the whole matrix */
    NB_SCALE_CHANNEL,  /* one scale per row */
    NB_SCALE_GROUP,    /* one scale per group of G consecutive elements of a row */
} nb_granularity;

typedef struct nb_quant_opts {
    nb_granularity granularity;
    size_t group_size;      /* NB_SCALE_GROUP only; 128 by default */
    double clip;            /* clipping quantile q in (0, 1]; 1 = absmax */
    nb_rounding rounding;
} nb_quant_opts;

#define NB_GROUP_SIZE_DEFAULT 128

nb_quant_opts nb_quant_opts_default(void);

/* Validate options against a format (group size, clip range, RNE support). */
bool nb_quant_opts_check(const nb_quant_opts *opts, const nb_format *fmt, nb_err *err);

/* Code of the nearest value to x (already divided by the scale). NaN must be
 * filtered by the caller; values beyond the ends clip to the extreme codes. */
uint8_t nb_round_to_code(const nb_format *fmt, double x, nb_rounding rounding);

/* Number of scales for a [rows][cols] matrix under opts. */
size_t nb_quant_num_scales(size_t rows, size_t cols, const nb_quant_opts *opts);

/* Scale index that applies to element (r, c). */
size_t nb_quant_scale_index(size_t r, size_t c, size_t rows, size_t cols, const nb_quant_opts *opts);

/* A quantized matrix: codes [rows][cols] plus scales. Owns its memory. */
typedef struct nb_qtensor {
    size_t rows, cols;
    nb_quant_opts opts;
    const nb_format *fmt;   /* borrowed; must outlive the tensor */
    uint8_t *codes;
    double *scales;
    size_t num_scales;
} nb_qtensor;

bool nb_quantize(const float *x, size_t rows, size_t cols, const nb_format *fmt,
                 const nb_quant_opts *opts, nb_qtensor *out, nb_err *err);
void nb_dequantize(const nb_qtensor *q, float *out);
void nb_qtensor_free(nb_qtensor *q);

/* Check every element is finite; on failure names the first bad index. */
bool nb_check_finite(const float *x, size_t n, const char *what, nb_err *err);

/* Parse "tensor", "channel", "group" (+ group size given separately). */
bool nb_granularity_parse(const char *s, nb_granularity *out, nb_err *err);
const char *nb_granularity_name(nb_granularity g);
bool nb_rounding_parse(const char *s, nb_rounding *out, nb_err *err);
const char *nb_rounding_name(nb_rounding r);

#endif
