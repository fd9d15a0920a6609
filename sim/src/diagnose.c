/* Localizes a boundary mismatch to one PE using the RTL waveform: each PE is
 * checked on its own (psum_o = psum_i + product of what it saw), so the first
 * failing PE of the column is the culprit, not merely the first symptom. */
#include <stdio.h>
#include <stdlib.h>

#include "nibble/regress.h"
#include "nibble/vcd.h"

enum { SIG_A, SIG_W, SIG_PI, SIG_PO, SIG_WSEL, SIG_ASEL, NSIG };

bool nb_diagnose_column(const nb_design *d, const char *vcd_path, int64_t t_in, int col,
                        nb_pe_fault *out, nb_err *err)
{
    out->found = false;
    int R = d->rows, P = d->pipeline, wstage = P >= 2;
    int nsig = R * NSIG;
    char (*names)[160] = calloc((size_t)nsig, sizeof *names);
    const char **suffix = calloc((size_t)nsig, sizeof *suffix);
    static const char *leaf[NSIG] = {"a_code_i", "w_code_q", "psum_i", "psum_o", "wfmt_sel_i",
                                     "afmt_sel_i"};
    for (int k = 0; k < R; k++)
        for (int s = 0; s < NSIG; s++) {
            snprintf(names[k * NSIG + s], sizeof names[0], ".u_array.g_row[%d].g_col[%d].u_pe.%s", k,
                     col, leaf[s]);
            suffix[k * NSIG + s] = names[k * NSIG + s];
        }
    nb_vcd *v = nb_vcd_read(vcd_path, suffix, nsig, err);
    free(suffix);
    free(names);
    if (!v)
        return false;
    for (int k = 0; k < R && !out->found; k++) {
        int64_t T = t_in + 1 + k + col;
        uint64_t a, w, pi, po, ws = 0, as = 0;
        int base = k * NSIG;
        if (!nb_vcd_value(v, base + SIG_A, 10 * T, &a) ||
            !nb_vcd_value(v, base + SIG_W, 10 * (T + wstage), &w) ||
            !nb_vcd_value(v, base + SIG_PI, 10 * (T + P), &pi) ||
            !nb_vcd_value(v, base + SIG_PO, 10 * (T + P + 1), &po))
            continue;
        if (d->w_sel_bits)
            nb_vcd_value(v, base + SIG_WSEL, 10 * (T + wstage), &ws);
        if (d->a_sel_bits)
            nb_vcd_value(v, base + SIG_ASEL, 10 * T, &as);
        int64_t psum_in = nb_acc_fit((int64_t)pi, d->acc_bits, NB_ACC_WRAP);
        int64_t actual = nb_acc_fit((int64_t)po, d->acc_bits, NB_ACC_WRAP);
        int64_t prod = 0;
        if ((int)ws < d->nw && (int)as < d->na) {
            nb_operand wo = nb_design_w_operand(d, (int)ws), ao = nb_design_a_operand(d, (int)as);
            prod = nb_product(&wo, (unsigned)w & (unsigned)(wo.fmt->num_codes - 1), &ao,
                              (unsigned)a & (unsigned)(ao.fmt->num_codes - 1));
        }
        int64_t expected = nb_acc_add(psum_in, prod, d->acc_bits, d->acc_mode);
        if (expected != actual)
            *out = (nb_pe_fault){true, k, col, T + P, (unsigned)w, (unsigned)a, (unsigned)ws,
                                 (unsigned)as, psum_in, expected, actual};
    }
    nb_vcd_free(v);
    return true;
}
