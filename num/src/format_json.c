#include <stdio.h>

#include "nibble/format_json.h"

const char *nb_encoding_name(nb_encoding e)
{
    switch (e) {
    case NB_ENC_TWOS:
        return "twos-complement";
    case NB_ENC_UNSIGNED:
        return "unsigned";
    case NB_ENC_MINIFLOAT:
        return "minifloat";
    case NB_ENC_SIGNMAG_LUT:
        return "sign-magnitude-lut";
    case NB_ENC_INDEX_LUT:
        return "index-lut";
    }
    return "?";
}

void nb_format_describe_encoding(const nb_format *f, char *buf, size_t len)
{
    const nb_minifloat *mf = &f->minifloat;
    switch (f->encoding) {
    case NB_ENC_TWOS:
        snprintf(buf, len, "%d-bit two's complement", f->code_bits);
        break;
    case NB_ENC_UNSIGNED:
        snprintf(buf, len, "%d-bit unsigned", f->code_bits);
        break;
    case NB_ENC_MINIFLOAT: {
        static const char *const SPECIALS[] = {"", ", IEEE inf/NaN (exponent all ones)",
                                               ", one NaN per sign (all ones)",
                                               ", code 10..0 is NaN (no negative zero)"};
        char sub[64], special[64] = "";
        if (mf->subnormal == NB_SUB_IEEE)
            snprintf(sub, sizeof sub, "IEEE subnormals");
        else if (mf->subnormal == NB_SUB_CONST)
            snprintf(sub, sizeof sub, "subnormal = %g", mf->subnormal_value);
        else
            snprintf(sub, sizeof sub, "no subnormals (code 0 = zero)");
        if (mf->has_special)
            snprintf(special, sizeof special, ", code 1%0*d = %+g (supernormal)",
                     f->code_bits - 1, 0, mf->special_value);
        snprintf(buf, len, "sign bit %d, E%dM%d, bias %d, %s%s%s", f->code_bits - 1,
                 mf->exp_bits, mf->man_bits, mf->bias, sub, special, SPECIALS[mf->specials]);
        break;
    }
    case NB_ENC_SIGNMAG_LUT:
        snprintf(buf, len, "sign bit 3, 3-bit magnitude lookup");
        break;
    case NB_ENC_INDEX_LUT:
        snprintf(buf, len, "code = index into the ascending 16-value lookup table");
        break;
    }
}

json_t *nb_format_to_json(const nb_format *f)
{
    char enc[160];
    nb_format_describe_encoding(f, enc, sizeof enc);
    json_t *values = json_array();
    for (int i = 0; i < f->num_values; i++)
        json_array_append_new(values, json_real(f->values[i]));
    json_t *codes = json_array();
    for (int c = 0; c < f->num_codes; c++)
        {
        json_t *code = json_pack("{s:i, s:f, s:b, s:I, s:f}", "code", c, "ideal", f->ideal[c],
                                 "used", f->used[c], "mantissa", (json_int_t)f->mant[c],
                                 "hw_value", f->hw[c]);
        if (f->nonfinite[c]) /* only spec formats have them: older manifests stay as they were */
            json_object_set_new(code, "nonfinite", json_true());
        json_array_append_new(codes, code);
    }
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:o, s:o, s:{s:i, s:i, s:b, s:f}, s:f, "
                          "s:i}",
                          "name", f->name, "title", f->title, "encoding",
                          nb_encoding_name(f->encoding), "encoding_detail", enc, "code_bits",
                          f->code_bits, "lookup", f->is_lookup, "values", values, "codes", codes,
                          "hardware_grid", "frac_bits", f->frac_bits, "mantissa_bits",
                          f->mant_bits, "exact", f->grid_exact, "lut_max_error", f->lut_max_error,
                          "max_abs", f->max_abs, "zero_code", f->zero_code);
    if (f->nu > 0)
        json_object_set_new(j, "nu", json_real(f->nu));
    return j;
}
