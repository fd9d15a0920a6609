/* Block-scaled formats: an element format, a scale format and a block size
 * along the reduction axis K (OCP MX, NVFP4, group scaling).
 *
 * Spec grammar (case-insensitive names):
 *   mx:ELEM/SCALE/BLOCK[/RULE]     e.g. mx:e2m1/e8m0/32, mx:sf4/e8m0/32/floor
 *   ELEM/SCALE/BLOCK[/RULE]        the same without the prefix: int4/fp16/128
 *   ALIAS[/RULE]                   mxfp4, mxfp6e3m2, mxfp6e2m3, mxfp8e4m3,
 *                                  mxfp8e5m2, mxint8, nvfp4
 * ELEM is any element spec nb_format_parse accepts (it may contain ':' and,
 * for lut:PATH, '/': the spec is split from the right). SCALE is a scale
 * format (nibble/scale_format.h), optionally "ue4m3+fp32": a UE4M3 block
 * scale times an FP32 per-tensor scale (NVFP4). RULE is the scale-selection
 * rule below.
 *
 * Scale-selection rules, for a block whose largest magnitude is amax, an
 * element format whose largest magnitude is maxe and emax = floor(log2 maxe):
 *   floor    (E8M0; OCP MX v1.0 section 6.3) scale = 2^(floor(log2 amax) - emax).
 *            Block maxima above maxe * 2^k clip (E2M1: 6..8 * 2^k -> 6 * 2^k;
 *            an element whose maximum is 1, SF4/NF4, clips every block maximum
 *            that is not a power of two).
 *   rceil    (E8M0; NVIDIA cuBLAS/Transformer Engine "RCEIL", torchao RCEIL)
 *            scale = 2^ceil(log2(amax / maxe)): the smallest power of two with
 *            amax / scale <= maxe, decided exactly; never clips.
 *   even     (E8M0; torchao ScaleCalculationMode.EVEN) amax is first rounded
 *            to 1 + P significant bits, half-up (ties away from zero), then
 *            floor: scale = 2^(floor(log2 round_P(amax)) - emax). P is the
 *            element's mantissa width at its top binade: a minifloat's mantissa
 *            bits, an integer's bits below its leading one (int4: 2, int8: 6,
 *            as OCP MXINT8's 6 fraction bits), 0 for lookup tables. E2M1 steps
 *            up at amax = 7 * 2^k, halfway between its grid's 6 and 8.
 *   nearest  (UE4M3, FP16, BF16) scale = amax / maxe rounded to the scale
 *            format, nearest, ties to even, saturating (nb_scale_encode_ratio).
 *            With "+fp32" (NVFP4, NVIDIA's recipe) the tensor scale is
 *            T = RNE_fp32(amax_tensor / (maxe * 448)) and the block scale
 *            amax / (maxe * T) rounded to UE4M3; the element divides by
 *            decoded_scale * T (exact in double).
 * Defaults: rceil for E8M0 (no clipping; what NVIDIA's libraries, Triton and
 * torchao's recommended recipe use), nearest for the others. E8M0 exponents
 * beyond the format saturate: below 2^-127 to code 0 (as the OCP reference
 * code and torchao clamp), above 2^127 to code 254 (the elements then clip;
 * those libraries produce the NaN code there instead). */
#ifndef NIBBLE_BLOCK_FORMAT_H
#define NIBBLE_BLOCK_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/format.h"
#include "nibble/quant.h"
#include "nibble/scale_format.h"

typedef enum nb_scale_rule {
    NB_RULE_FLOOR,
    NB_RULE_RCEIL,
    NB_RULE_EVEN,
    NB_RULE_NEAREST,
} nb_scale_rule;

/* Largest block: keeps every block's exact integer sum inside int64. */
#define NB_BLOCK_SIZE_MAX (1u << 20)

typedef struct nb_block_format {
    char name[NB_NAME_MAX + 64]; /* canonical: mx:ELEM/SCALE/BLOCK/RULE */
    char alias[32];              /* "mxfp4", ... or "" */
    nb_format elem;
    nb_scale_fmt scale;
    bool tensor_scale;           /* "+fp32": an FP32 per-tensor scale (NVFP4) */
    size_t block;                /* elements per block along K */
    nb_scale_rule rule;
    nb_rounding rounding;        /* element rounding: rne where the element offers it */
    int emax;                    /* floor(log2(elem.max_abs)) */
    int even_bits;               /* P of the even rule */
} nb_block_format;

/* True if the spec names a block format (mx: prefix, an alias, or a
 * ELEM/SCALE/BLOCK triple whose SCALE is a scale format name). */
bool nb_block_spec_is_block(const char *spec);

/* Parse and validate. Refused with a message: block size 0 or above
 * NB_BLOCK_SIZE_MAX, an element or scale wider than 8 bits (fp16/bf16 scales
 * excepted), unknown element/scale/rule names, a rule that does not fit the
 * scale format, "+fp32" on anything but ue4m3, OverQ slots as elements. */
bool nb_block_format_parse(const char *spec, const nb_format_opts *fopts, nb_block_format *out,
                           nb_err *err);

bool nb_scale_rule_parse(const char *s, nb_scale_rule *out, nb_err *err);
const char *nb_scale_rule_name(nb_scale_rule r);

#endif
