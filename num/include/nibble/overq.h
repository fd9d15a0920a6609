/* OverQ (overwrite quantization, Zhao et al. 2019) for post-ReLU activations:
 * a 4-bit outlier borrows the 4 bits of a neighbouring zero, shifting the
 * values between it and that zero by one slot when the zero is further away
 * (cascading). Slots are consecutive activations along the reduction axis; in
 * the weight-stationary array they are consecutive rows of a column.
 *
 * Encoding (this project's choice, see num/README.md "OverQ"):
 *   each slot carries a 4-bit unsigned nibble and a tag:
 *     NORMAL  nibble x own weight                 (the value itself, or the low
 *                                                  nibble of an outlier / the
 *                                                  integer part with precision)
 *     HIGH    nibble x weight of the row above x 16  (high nibble of the outlier above)
 *     MOVED   nibble x weight of the row above       (a value shifted down one slot)
 *     LOW     nibble x weight of the row above / 16  (4 more fraction bits of the
 *                                                     value above; precision mode)
 *   so every PE needs only its upper neighbour's weight, whatever the depth.
 *
 * Cascade depth c: an outlier may use a zero up to c slots below it; c = 0 is
 * plain 4-bit quantization (no overwrite), c = 1 the immediate neighbour only,
 * c = 2 also the slot after it (one value moves), and so on. Chains never cross
 * a tile boundary (the next array-height tile meets other weights).
 *
 * The encoder is greedy in slot order and works on integers, so software and
 * the RTL encoder block agree bit for bit: the input of slot i is
 *   u_i = round(x_i / scale * 2^F), ties to the lower value, clamped to
 *   [0, 2^(8+F) - 1], with F = 0 (range) or 4 (range + precision);
 * its 4-bit value is v_i = round(u_i / 2^F) (ties lower), an outlier when
 * v_i > 15 (then it represents min(v_i, 255)); a zero is v_i == 0. */
#ifndef NIBBLE_OVERQ_H
#define NIBBLE_OVERQ_H

#include <stddef.h>
#include <stdint.h>

#include "nibble/error.h"

typedef enum nb_overq_mode {
    NB_OVERQ_RANGE,            /* outliers borrow zeros for 4 more integer bits */
    NB_OVERQ_RANGE_PRECISION,  /* ... and small values borrow an adjacent zero for 4 fraction bits */
} nb_overq_mode;

typedef enum nb_overq_tag {
    NB_TAG_NORMAL = 0,
    NB_TAG_HIGH = 1,
    NB_TAG_MOVED = 2,
    NB_TAG_LOW = 3,
} nb_overq_tag;

#define NB_OVERQ_CASCADE_MAX 15

typedef struct nb_overq_params {
    int cascade;           /* c >= 0 */
    nb_overq_mode mode;
    size_t tile;           /* chains stay within [t*tile, (t+1)*tile); 0 = no boundary */
} nb_overq_params;

typedef struct nb_overq_stats {
    size_t slots;
    size_t zeros;                  /* slots whose value is 0 */
    size_t outliers;               /* values above 15 */
    size_t handled;                /* outliers stored in full (up to 255) */
    size_t handled_at[NB_OVERQ_CASCADE_MAX + 1]; /* by distance to the zero used (1..c) */
    size_t clipped;                /* outliers clipped to 15 (no zero in reach, or moved) */
    size_t precision;              /* values given 4 more fraction bits */
} nb_overq_stats;

/* Fraction bits of the encoder input: 0 (range) or 4 (range + precision). */
int nb_overq_input_frac(nb_overq_mode mode);
/* Tag bits the array needs: 0 (c = 0), 1 (range, c = 1: NORMAL/HIGH) or 2. */
int nb_overq_tag_bits(const nb_overq_params *p);

bool nb_overq_params_check(const nb_overq_params *p, nb_err *err);
bool nb_overq_mode_parse(const char *s, nb_overq_mode *out, nb_err *err);
const char *nb_overq_mode_name(nb_overq_mode m);

/* x -> integer encoder inputs u (see above); negative x count as 0. */
void nb_overq_inputs(const float *x, size_t n, double scale, nb_overq_mode mode, uint16_t *u);

/* Greedy encoding of n slots; stats may be NULL (or accumulates). */
void nb_overq_encode(const uint16_t *u, size_t n, const nb_overq_params *p, uint8_t *nibble,
                     uint8_t *tag, nb_overq_stats *stats);

/* Value of every original slot, in units of scale, as the hardware sees it. */
void nb_overq_decode(const uint8_t *nibble, const uint8_t *tag, size_t n, const nb_overq_params *p,
                     double *value);

/* Exact contribution of slot k given its own weight and the weight of the row
 * above (integer mantissas), on the grid 2^-F of the encoder input. */
static inline int64_t nb_overq_contribution(unsigned nibble, unsigned tag, int64_t w_own,
                                            int64_t w_above, int frac)
{
    int64_t n = (int64_t)nibble;
    switch (tag) {
    case NB_TAG_HIGH:
        return n * w_above * ((int64_t)1 << (frac + 4));
    case NB_TAG_MOVED:
        return n * w_above * ((int64_t)1 << frac);
    case NB_TAG_LOW:
        return n * w_above; /* frac == 4 here */
    default:
        return n * w_own * ((int64_t)1 << frac);
    }
}

/* Scale that minimizes the MSE of plain 4-bit unsigned quantization of x
 * (the baseline OverQ improves on; outliers are what it clips). */
double nb_overq_mse_scale(const float *x, size_t n);

#endif
