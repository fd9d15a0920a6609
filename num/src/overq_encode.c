/* The greedy OverQ encoder, slot by slot, as the RTL encoder block does it:
 * a small state machine carried from each slot to the next, reset at every
 * tile boundary. */
#include "nibble/overq.h"

typedef enum { FREE, HIGH_NEXT, MOVED, LOW_NEXT } enc_state;

static unsigned value4(uint16_t u, int frac)
{
    /* round(u / 2^frac), ties to the lower value */
    return frac ? (unsigned)(u + ((1u << (frac - 1)) - 1)) >> frac : u;
}

static unsigned clip15(unsigned v)
{
    return v > 15 ? 15 : v;
}

/* Nearest zero in (i, i + c] within the tile, or 0 if none. */
static size_t zero_distance(const uint16_t *u, size_t i, size_t end, int c, int frac)
{
    for (size_t d = 1; d <= (size_t)c && i + d < end; d++)
        if (value4(u[i + d], frac) == 0)
            return d;
    return 0;
}

static void encode_tile(const uint16_t *u, size_t begin, size_t end, const nb_overq_params *p,
                        uint8_t *nibble, uint8_t *tag, nb_overq_stats *st)
{
    int frac = nb_overq_input_frac(p->mode);
    bool precision = p->mode == NB_OVERQ_RANGE_PRECISION && p->cascade >= 1;
    enc_state state = FREE;
    unsigned carry = 0;
    size_t remaining = 0;
    for (size_t i = begin; i < end; i++) {
        unsigned v = value4(u[i], frac);
        st->slots++;
        st->zeros += v == 0;
        st->outliers += v > 15;
        switch (state) {
        case FREE: {
            size_t d = v > 15 && p->cascade >= 1 ? zero_distance(u, i, end, p->cascade, frac) : 0;
            if (d) {
                unsigned full = v > 255 ? 255 : v;
                nibble[i] = (uint8_t)(full & 15);
                tag[i] = NB_TAG_NORMAL;
                carry = full >> 4;
                remaining = d;
                state = HIGH_NEXT;
                st->handled++;
                st->handled_at[d]++;
            } else if (precision && v > 0 && v <= 15 && i + 1 < end && value4(u[i + 1], frac) == 0) {
                nibble[i] = (uint8_t)(u[i] >> 4);
                tag[i] = NB_TAG_NORMAL;
                carry = u[i] & 15;
                state = LOW_NEXT;
                st->precision++;
            } else {
                nibble[i] = (uint8_t)clip15(v);
                tag[i] = NB_TAG_NORMAL;
            }
            break;
        }
        case HIGH_NEXT:
        case MOVED:
            nibble[i] = (uint8_t)carry;
            tag[i] = state == HIGH_NEXT ? NB_TAG_HIGH : NB_TAG_MOVED;
            /* this slot's own value moves one down, unless this is the zero used */
            if (--remaining == 0) {
                state = FREE;
            } else {
                carry = clip15(v);
                state = MOVED;
            }
            break;
        case LOW_NEXT:
            nibble[i] = (uint8_t)carry;
            tag[i] = NB_TAG_LOW;
            state = FREE;
            break;
        }
    }
}

void nb_overq_encode(const uint16_t *u, size_t n, const nb_overq_params *p, uint8_t *nibble,
                     uint8_t *tag, nb_overq_stats *stats)
{
    nb_overq_stats local = {0};
    nb_overq_stats *st = stats ? stats : &local;
    size_t tile = p->tile ? p->tile : n;
    for (size_t begin = 0; begin < n; begin += tile) {
        size_t end = begin + tile < n ? begin + tile : n;
        encode_tile(u, begin, end, p, nibble, tag, st);
    }
    st->clipped = st->outliers - st->handled;
}
