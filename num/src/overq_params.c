/* OverQ parameters, encoder inputs and decoding. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "nibble/overq.h"

int nb_overq_input_frac(nb_overq_mode mode)
{
    return mode == NB_OVERQ_RANGE_PRECISION ? 4 : 0;
}

int nb_overq_tag_bits(const nb_overq_params *p)
{
    if (p->cascade == 0)
        return 0;
    if (p->cascade == 1 && p->mode == NB_OVERQ_RANGE)
        return 1; /* NORMAL or HIGH */
    return 2;
}

bool nb_overq_params_check(const nb_overq_params *p, nb_err *err)
{
    if (p->cascade < 0 || p->cascade > NB_OVERQ_CASCADE_MAX)
        return nb_fail(err, "cascade depth %d is out of range: use 0..%d (0 = plain 4-bit)",
                       p->cascade, NB_OVERQ_CASCADE_MAX);
    if (p->tile && (size_t)p->cascade >= p->tile)
        return nb_fail(err, "cascade depth %d cannot fit in tiles of %zu slots: a chain spans "
                       "depth + 1 slots; use a depth below %zu", p->cascade, p->tile, p->tile);
    return true;
}

bool nb_overq_mode_parse(const char *s, nb_overq_mode *out, nb_err *err)
{
    if (strcasecmp(s, "range") == 0) {
        *out = NB_OVERQ_RANGE;
        return true;
    }
    if (strcasecmp(s, "range+precision") == 0 || strcasecmp(s, "precision") == 0) {
        *out = NB_OVERQ_RANGE_PRECISION;
        return true;
    }
    return nb_fail(err, "unknown OverQ mode '%s': use range or range+precision", s);
}

const char *nb_overq_mode_name(nb_overq_mode m)
{
    return m == NB_OVERQ_RANGE_PRECISION ? "range+precision" : "range";
}

void nb_overq_inputs(const float *x, size_t n, double scale, nb_overq_mode mode, uint16_t *u)
{
    int frac = nb_overq_input_frac(mode);
    double top = ldexp(1.0, 8 + frac) - 1;
    for (size_t i = 0; i < n; i++) {
        double y = x[i] > 0 && scale > 0 ? ldexp((double)x[i] / scale, frac) : 0;
        double r = ceil(y - 0.5); /* nearest, ties to the lower value */
        u[i] = (uint16_t)(r > top ? top : r);
    }
}

void nb_overq_decode(const uint8_t *nibble, const uint8_t *tag, size_t n, const nb_overq_params *p,
                     double *value)
{
    (void)p;
    memset(value, 0, n * sizeof *value);
    for (size_t k = 0; k < n; k++) {
        double nib = nibble[k];
        switch (tag[k]) {
        case NB_TAG_HIGH:
            value[k - 1] += 16 * nib;
            break;
        case NB_TAG_MOVED:
            value[k - 1] = nib;
            break;
        case NB_TAG_LOW:
            value[k - 1] += nib / 16;
            break;
        default:
            value[k] += nib;
            break;
        }
    }
}

/* MSE of plain unsigned 4-bit quantization at a scale. */
static double plain_mse(const float *x, size_t n, double s)
{
    double e = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i] > 0 ? x[i] : 0;
        double q = ceil(v / s - 0.5);
        q = q > 15 ? 15 : q;
        e += (v - q * s) * (v - q * s);
    }
    return e;
}

double nb_overq_mse_scale(const float *x, size_t n)
{
    double absmax = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > absmax)
            absmax = x[i];
    if (absmax == 0)
        return 0;
    /* coarse log grid over clip ratios 1 .. 1/16, then a local refinement */
    double best = absmax / 15, best_e = plain_mse(x, n, best);
    for (int i = 1; i <= 64; i++) {
        double s = absmax / 15 * pow(2.0, -4.0 * i / 64);
        double e = plain_mse(x, n, s);
        if (e < best_e) {
            best_e = e;
            best = s;
        }
    }
    double step = pow(2.0, 4.0 / 64);
    for (int i = -16; i <= 16; i++) {
        double s = best * pow(step, i / 16.0);
        double e = plain_mse(x, n, s);
        if (e < best_e) {
            best_e = e;
            best = s;
        }
    }
    return best;
}
