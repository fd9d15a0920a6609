/* Quantization and dequantization of block-scaled matrices. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/block_quant.h"

double nb_block_scale_value(const nb_block_format *bf, unsigned scale_code, double tensor_scale)
{
    double s = nb_scale_decode(bf->scale, scale_code);
    return bf->tensor_scale ? s * tensor_scale : s;
}

uint8_t nb_block_encode_element(const nb_block_format *bf, double x, double s)
{
    if (!(s > 0))
        return bf->elem.zero_code;
    return nb_round_to_code(&bf->elem, x / s, bf->rounding);
}

void nb_block_quantize_block(const nb_block_format *bf, const double *x, size_t n,
                             double tensor_scale, uint8_t *codes, uint16_t *scale_code)
{
    double amax = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(x[i]) > amax)
            amax = fabs(x[i]);
    unsigned sc = nb_block_select_scale(bf, amax, tensor_scale);
    *scale_code = (uint16_t)sc;
    /* An all-zero block keeps its zero codes even though E8M0 code 0 is not zero. */
    double s = amax > 0 ? nb_block_scale_value(bf, sc, tensor_scale) : 0;
    for (size_t i = 0; i < n; i++)
        codes[i] = nb_block_encode_element(bf, x[i], s);
}

double nb_block_decode(const nb_block_format *bf, uint8_t code, unsigned scale_code,
                       double tensor_scale)
{
    return bf->elem.hw[code] * nb_block_scale_value(bf, scale_code, tensor_scale);
}

bool nb_block_quantize(const float *x, size_t rows, size_t cols, const nb_block_format *bf,
                       nb_block_qtensor *out, nb_err *err)
{
    memset(out, 0, sizeof *out);
    if (rows == 0 || cols == 0)
        return nb_fail(err, "cannot quantize an empty %zux%zu matrix", rows, cols);
    if (!nb_check_finite(x, rows * cols, "input", err))
        return false;
    size_t B = bf->block, nb = (cols + B - 1) / B;
    out->codes = malloc(rows * cols);
    out->scales = malloc(rows * nb * sizeof *out->scales);
    double *buf = malloc(B * sizeof *buf);
    if (!out->codes || !out->scales || !buf) {
        free(buf);
        nb_block_qtensor_free(out);
        return nb_fail(err, "out of memory quantizing a %zux%zu matrix to %s", rows, cols,
                       bf->name);
    }
    out->rows = rows;
    out->cols = cols;
    out->blocks_per_row = nb;
    out->bf = bf;
    out->tensor_scale = 1.0f;
    if (bf->tensor_scale) {
        double amax = 0;
        for (size_t i = 0; i < rows * cols; i++)
            if (fabs((double)x[i]) > amax)
                amax = fabs((double)x[i]);
        out->tensor_scale = nb_block_tensor_scale(bf, amax);
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t b = 0; b < nb; b++) {
            size_t c0 = b * B, n = cols - c0 < B ? cols - c0 : B;
            for (size_t i = 0; i < n; i++)
                buf[i] = x[r * cols + c0 + i];
            nb_block_quantize_block(bf, buf, n, out->tensor_scale, out->codes + r * cols + c0,
                                    &out->scales[r * nb + b]);
        }
    free(buf);
    return true;
}

void nb_block_dequantize(const nb_block_qtensor *q, float *out)
{
    for (size_t r = 0; r < q->rows; r++)
        for (size_t c = 0; c < q->cols; c++) {
            size_t i = r * q->cols + c;
            unsigned sc = q->scales[r * q->blocks_per_row + c / q->bf->block];
            out[i] = (float)nb_block_decode(q->bf, q->codes[i], sc, q->tensor_scale);
        }
}

void nb_block_qtensor_free(nb_block_qtensor *q)
{
    free(q->codes);
    free(q->scales);
    q->codes = NULL;
    q->scales = NULL;
}
