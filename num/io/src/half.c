/* IEEE binary16 and bfloat16 to float32. Both widen exactly: every value fits. */
#include <string.h>

#include "nibble/tensor_io.h"

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

float nb_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0x1f)   /* inf, or NaN with its payload, forced quiet */
        return from_bits(sign | 0x7f800000u | (mant << 13) | (mant ? 0x00400000u : 0));
    if (exp == 0) {
        if (mant == 0)
            return from_bits(sign);
        /* subnormal: normalise, since float32 has the exponent range to hold it */
        int e = 1;
        while (!(mant & 0x400u)) {
            mant <<= 1;
            e--;
        }
        mant &= 0x3ffu;
        /* e is 1 - shifts, in -9..0; rebias 15 -> 127 */
        return from_bits(sign | ((uint32_t)(e + 112) << 23) | (mant << 13));
    }
    return from_bits(sign | ((exp + 112u) << 23) | (mant << 13));
}

float nb_bf16_to_f32(uint16_t b)
{
    uint32_t u = (uint32_t)b << 16;
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu))
        u |= 0x00400000u;   /* quiet the NaN like the f16 path does */
    return from_bits(u);
}
