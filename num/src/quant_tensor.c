/* Scaling and (de)quantization of matrices. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nibble/quant.h"

nb_quant_opts nb_quant_opts_default(void)
{
    nb_quant_opts o = {
        .granularity = NB_SCALE_GROUP,
        .group_size = NB_GROUP_SIZE_DEFAULT,
        .clip = 1.0,
        .rounding = NB_ROUND_NEAREST_LOWER,
    };
    return o;
}

bool nb_quant_opts_check(const nb_quant_opts *o, const nb_format *fmt, nb_err *err)
{
    if (o->granularity == NB_SCALE_GROUP && o->group_size == 0)
        return nb_fail(err, "group size 0 is invalid: use a positive group size such as 128, or "
                       "per-channel scaling");
    if (!(o->clip > 0 && o->clip <= 1))
        return nb_fail(err, "clipping quantile %g is out of range: use a value in (0, 1]", o->clip);
    if (o->rounding == NB_ROUND_NEAREST_EVEN && fmt && !fmt->supports_rne)
        return nb_fail(err, "round-to-nearest-even is not defined for %s (only for formats whose "
                       "code LSB is the mantissa LSB); use the default nearest rounding",
                       fmt->name);
    return true;
}

size_t nb_quant_num_scales(size_t rows, size_t cols, const nb_quant_opts *o)
{
    switch (o->granularity) {
    case NB_SCALE_TENSOR:
        return 1;
    case NB_SCALE_CHANNEL:
        return rows;
    case NB_SCALE_GROUP:
        return rows * ((cols + o->group_size - 1) / o->group_size);
    }
    return 1;
}

size_t nb_quant_scale_index(size_t r, size_t c, size_t rows, size_t cols, const nb_quant_opts *o)
{
    (void)rows;
    switch (o->granularity) {
    case NB_SCALE_TENSOR:
        return 0;
    case NB_SCALE_CHANNEL:
        return r;
    case NB_SCALE_GROUP:
        return r * ((cols + o->group_size - 1) / o->group_size) + c / o->group_size;
    }
    return 0;
}

bool nb_check_finite(const float *x, size_t n, const char *what, nb_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return nb_fail(err, "%s: element %zu is %s; remove NaN/infinite values before "
                           "quantizing", what, i, isnan(x[i]) ? "NaN" : "infinite");
    return true;
}

bool nb_quantize(const float *x, size_t rows, size_t cols, const nb_format *fmt,
                 const nb_quant_opts *opts, nb_qtensor *out, nb_err *err)
{
    memset(out, 0, sizeof *out);
    if (!nb_quant_opts_check(opts, fmt, err))
        return false;
    if (rows == 0 || cols == 0)
        return nb_fail(err, "cannot quantize an empty %zux%zu matrix", rows, cols);
    if (!nb_check_finite(x, rows * cols, "input", err))
        return false;
    size_t ns = nb_quant_num_scales(rows, cols, opts);
    out->codes = malloc(rows * cols);
    out->scales = calloc(ns, sizeof *out->scales);
    if (!out->codes || !out->scales) {
        nb_qtensor_free(out);
        return nb_fail(err, "out of memory quantizing a %zux%zu matrix", rows, cols);
    }
    out->rows = rows;
    out->cols = cols;
    out->opts = *opts;
    out->fmt = fmt;
    out->num_scales = ns;

    /* Rows split into segments of consecutive columns that share one scale. */
    size_t seg = opts->granularity == NB_SCALE_GROUP ? opts->group_size : cols;
    for (size_t r = 0; r < rows; r++)
        for (size_t c0 = 0; c0 < cols; c0 += seg) {
            size_t c1 = c0 + seg < cols ? c0 + seg : cols;
            const float *xs = x + r * cols;
            double *scale = &out->scales[nb_quant_scale_index(r, c0, rows, cols, opts)];
            for (size_t c = c0; c < c1; c++)
                if (fabs((double)xs[c]) > *scale)
                    *scale = fabs((double)xs[c]);
        }
    /* scale = absmax * clip / max|v| */
    for (size_t s = 0; s < ns; s++)
        out->scales[s] = out->scales[s] * opts->clip / fmt->max_abs;
    for (size_t r = 0; r < rows; r++)
        for (size_t c0 = 0; c0 < cols; c0 += seg) {
            size_t c1 = c0 + seg < cols ? c0 + seg : cols;
            double scale = out->scales[nb_quant_scale_index(r, c0, rows, cols, opts)];
            const float *xs = x + r * cols;
            uint8_t *codes = out->codes + r * cols;
            for (size_t c = c0; c < c1; c++)
                codes[c] = scale == 0 ? fmt->zero_code
                                      : nb_round_to_code(fmt, (double)xs[c] / scale, opts->rounding);
        }
    return true;
}

void nb_dequantize(const nb_qtensor *q, float *out)
{
    for (size_t r = 0; r < q->rows; r++)
        for (size_t c = 0; c < q->cols; c++) {
            size_t i = r * q->cols + c;
            double scale = q->scales[nb_quant_scale_index(r, c, q->rows, q->cols, &q->opts)];
            out[i] = (float)(q->fmt->hw[q->codes[i]] * scale);
        }
}

void nb_qtensor_free(nb_qtensor *q)
{
    free(q->codes);
    free(q->scales);
    q->codes = NULL;
    q->scales = NULL;
}

bool nb_granularity_parse(const char *s, nb_granularity *out, nb_err *err)
{
    static const char *names[] = {"tensor", "channel", "group"};
    for (int i = 0; i < 3; i++)
        if (strcasecmp(s, names[i]) == 0) {
            *out = (nb_granularity)i;
            return true;
        }
    return nb_fail(err, "unknown scaling '%s': use tensor, channel or group", s);
}

const char *nb_granularity_name(nb_granularity g)
{
    return g == NB_SCALE_TENSOR ? "tensor" : g == NB_SCALE_CHANNEL ? "channel" : "group";
}

bool nb_rounding_parse(const char *s, nb_rounding *out, nb_err *err)
{
    if (strcasecmp(s, "nearest") == 0 || strcasecmp(s, "paper") == 0) {
        *out = NB_ROUND_NEAREST_LOWER;
        return true;
    }
    if (strcasecmp(s, "rne") == 0 || strcasecmp(s, "even") == 0) {
        *out = NB_ROUND_NEAREST_EVEN;
        return true;
    }
    return nb_fail(err, "unknown rounding '%s': use nearest (ties to the lower value) or rne", s);
}

const char *nb_rounding_name(nb_rounding r)
{
    return r == NB_ROUND_NEAREST_EVEN ? "rne" : "nearest";
}
