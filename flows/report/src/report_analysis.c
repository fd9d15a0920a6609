/* Frontiers and the findings the report states in words. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nibble/pareto.h"
#include "report_internal.h"

/* A block design's "PE+stage" figures need its twin's PE and both arrays
 * simulated. */
static bool stage_measured(const rp_design *d)
{
    return d->block && d->twin && d->twin->has_pe && d->twin->syn_pe.has_power &&
           d->syn_array.has_power && d->twin->syn_array.has_power;
}

const char *rp_power_of(const rp_design *d)
{
    if (d->array_power)
        return d->syn_array.has_power ? "array" : "";
    if (d->block)
        return stage_measured(d) ? "PE+stage" : "";
    return d->has_pe && d->syn_pe.has_power ? "PE" : "";
}

const nb_synth_result *rp_power_result(const rp_design *d)
{
    const char *of = rp_power_of(d);
    return !strcmp(of, "PE") ? &d->syn_pe : &d->syn_array;
}

double rp_power_mw(const rp_design *d)
{
    const char *of = rp_power_of(d);
    if (!strcmp(of, "array"))
        return d->syn_array.power_mw;
    if (!strcmp(of, "PE"))
        return d->syn_pe.power_mw;
    if (!strcmp(of, "PE+stage")) /* the stage's power spread over the array's PEs */
        return d->twin->syn_pe.power_mw + (d->syn_array.power_mw - d->twin->syn_array.power_mw) /
                                              (double)(d->array.rows * d->array.cols);
    return NAN;
}

double rp_energy_pj(const rp_design *d)
{
    const char *of = rp_power_of(d);
    if (!strcmp(of, "array"))
        return d->syn_array.energy_per_mac_pj;
    if (!strcmp(of, "PE"))
        return d->syn_pe.energy_per_mac_pj;
    if (!strcmp(of, "PE+stage")) /* the stage's share per MAC, as measured in the real arrays */
        return d->twin->syn_pe.energy_per_mac_pj +
               (d->syn_array.energy_per_mac_pj - d->twin->syn_array.energy_per_mac_pj);
    return NAN;
}

void rp_pareto(rp_report *r)
{
    double cost[RP_MAX], q[RP_MAX];
    bool front[RP_MAX];
    for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < r->ndesigns; i++) {
            const rp_design *d = &r->designs[i];
            q[i] = d->gemm.sqnr_db;
            cost[i] = pass == 0 ? d->syn_array.area_array : pass == 1 ? rp_power_mw(d) : rp_energy_pj(d);
        }
        nb_pareto_front(cost, q, r->ndesigns, front);
        for (int i = 0; i < r->ndesigns; i++) {
            bool *f = pass == 0 ? &r->designs[i].front_area
                    : pass == 1 ? &r->designs[i].front_power
                                : &r->designs[i].front_energy;
            *f = front[i];
        }
    }
}

/* Mean SQNR of a weight format over the synthetic weights and a scaling. */
static double weight_sqnr(const rp_report *r, const char *format, const char *scaling)
{
    for (int i = 0; i < r->nacc; i++)
        if (!strcmp(r->acc[i].role, "weight") && !strcmp(r->acc[i].tensor, r->tensors[0].name) &&
            !strcmp(r->acc[i].format, format) && !strcmp(r->acc[i].scaling, scaling))
            return r->acc[i].sqnr_db;
    return NAN;
}

/* GEMM SQNR of the design whose weights are `weights` (x the first
 * activation format) at a scaling, on the synthetic weights. */
static double gemm_sqnr(const rp_report *r, const char *weights, const char *scaling)
{
    for (int d = 0; d < r->ndesigns; d++) {
        if (strcmp(r->designs[d].array.weights, weights) || strstr(r->designs[d].array.acts, "overq") ||
            r->designs[d].twin_only)
            continue;
        for (int i = 0; i < r->nacc; i++)
            if (!strcmp(r->acc[i].role, "gemm") && !strcmp(r->acc[i].tensor, r->tensors[0].name) &&
                !strcmp(r->acc[i].format, r->designs[d].label) && !strcmp(r->acc[i].scaling, scaling))
                return r->acc[i].sqnr_db;
    }
    return NAN;
}

static const nb_synth_result *extra(const rp_report *r, const char *fmt)
{
    for (int i = 0; i < r->nextra; i++)
        if (!strcmp(r->extra_pe[i].weights, fmt))
            return &r->extra_syn[i];
    return NULL;
}

#define SAY(...) (n += (size_t)snprintf(r->findings + n, sizeof r->findings - n, __VA_ARGS__))

void rp_findings(rp_report *r)
{
    size_t n = 0;
    r->findings[0] = '\0';
    const char *sc = "channel";
    double sf4 = weight_sqnr(r, "sf4", sc), nf4 = weight_sqnr(r, "nf4", sc),
           i4 = weight_sqnr(r, "int4", sc), e = weight_sqnr(r, "e2m1", sc),
           sr = weight_sqnr(r, "e2m1-sr", sc), sp = weight_sqnr(r, "e2m1-sp", sc);
    if (!isnan(sf4) && !isnan(nf4) && !isnan(i4)) {
        SAY("- On %s weights with per-channel absmax scaling, SF4 reaches %.2f dB SQNR, NF4 %.2f dB "
            "and INT4 %.2f dB: ", r->tensors[0].name, sf4, nf4, i4);
        if (sf4 > nf4 && sf4 > i4)
            SAY("SF4 is ahead, as the paper found: its levels follow the t(5) quantiles, which put "
                "more of them in the heavy tails that NF4 (normal quantiles) and INT4 (uniform) "
                "serve poorly.\n");
        else
            SAY("SF4 is NOT ahead here. SF4's levels are t(5) quantiles; with absmax scaling the "
                "largest outlier of each channel sets the scale, and how much of the tail that "
                "wastes decides the order.\n");
        double s32 = weight_sqnr(r, "sf4", "group32"), n32 = weight_sqnr(r, "nf4", "group32");
        double s128 = weight_sqnr(r, "sf4", "group128"), n128 = weight_sqnr(r, "nf4", "group128");
        if (!isnan(s32) && !isnan(n32))
            SAY("- With smaller scaling groups the tails matter less: SF4 vs NF4 is %.2f vs %.2f dB "
                "in groups of 128 and %.2f vs %.2f dB in groups of 32%s\n", s128, n128, s32, n32,
                n32 > s32 ? " (NF4 ahead: the absmax of 32 values is rarely a far outlier, so "
                            "the normalized group looks closer to a normal than to t(5))."
                          : ".");
    }
    if (!isnan(e) && !isnan(sr)) {
        double eg = weight_sqnr(r, "e2m1", "group128"), srg = weight_sqnr(r, "e2m1-sr", "group128");
        double spg = weight_sqnr(r, "e2m1-sp", "group128");
        SAY("- Per channel, E2M1 gives %.2f dB, E2M1 with super-range %.2f dB (%+.2f dB)", e, sr, sr - e);
        if (!isnan(sp))
            SAY(" and with super-precision %.2f dB (%+.2f dB)", sp, sp - e);
        SAY("; in groups of 128: %.2f, %.2f (%+.2f dB)", eg, srg, srg - eg);
        if (!isnan(spg))
            SAY(" and %.2f dB (%+.2f dB)", spg, spg - eg);
        SAY(". ");
        if (sr > e && srg > eg)
            SAY("The redundant negative-zero code buys accuracy at both scalings, consistent "
                "with the paper.\n");
        else if (sr > e)
            SAY("Super-range helps where the paper measured it (one scale for a long channel, "
                "whose absmax is a far outlier: the extra level +8 catches the tail) but not in "
                "small groups: nibble scales every format by absmax / max|value| (the paper's "
                "rule), so +8 as the top level stretches every step by 8/6 while a group of 128 "
                "rarely has a tail worth it; super-precision (+5 fills the 4..6 gap) helps "
                "there instead.\n");
        else
            SAY("The supernormal code does not help at this scaling: with absmax / max|value| "
                "scaling, +8 as the top level stretches every step by 8/6 and the body loses "
                "more than the tail gains.\n");
    }
    /* super-range in GEMMs with post-ReLU activations */
    double ge_c = gemm_sqnr(r, "e2m1", "channel"), ge_32 = gemm_sqnr(r, "e2m1", "group32");
    double gs_c = gemm_sqnr(r, "e2m1-sr", "channel"), gs_32 = gemm_sqnr(r, "e2m1-sr", "group32");
    if (!isnan(ge_32) && !isnan(gs_32) && gs_32 < gs_c && ge_32 > ge_c)
        SAY("- In the GEMM, E2M1-SR goes from %.2f dB per channel to %.2f dB in groups of 32, "
            "while E2M1 improves from %.2f to %.2f dB. The supernormal +8 exists only on the "
            "positive side: a group whose largest magnitude is negative clips it to -6, so the "
            "weight error has a positive mean that grows as groups shrink (more groups, more "
            "clipped maxima). Post-ReLU activations are all non-negative, so that bias adds up "
            "along K instead of averaging out; a tensor-level SQNR does not show it.\n",
            gs_c, gs_32, ge_c, ge_32);
    const nb_synth_result *pe_e = extra(r, "e2m1"), *pe_sr = extra(r, "e2m1-sr"),
                          *pe_sp = extra(r, "e2m1-sp");
    const nb_synth_result *pe_i4 = NULL;
    for (int i = 0; i < r->ndesigns; i++)
        if (!strcmp(r->designs[i].array.weights, "int4") && r->designs[i].has_pe &&
            !r->designs[i].twin_only)
            pe_i4 = &r->designs[i].syn_pe;
    if (pe_e && pe_sr && pe_e->area_pe > 0) {
        SAY("- PE area on %s: ", pe_e->library);
        if (pe_i4)
            SAY("INT4 weights %.0f um^2, ", pe_i4->area_pe);
        SAY("E2M1 x E2M1 %.0f um^2, E2M1-SR x E2M1-SR %.0f um^2 (supernormal overhead %+.2f%%",
            pe_e->area_pe, pe_sr->area_pe, 100 * (pe_sr->area_pe / pe_e->area_pe - 1));
        if (pe_sp)
            SAY("; super-precision %+.2f%%", 100 * (pe_sp->area_pe / pe_e->area_pe - 1));
        SAY("). The paper reports 1.22%% for its PE; here the PE is a bare 4-bit multiplier and "
            "a 24-bit adder, so the same few decoder gates are a larger share. Differences of a "
            "few percent are within ABC's mapping noise.\n");
    }
    /* the generated PE against the obvious behavioural one */
    int smaller = 0, compared = 0;
    char larger[1024] = "";
    size_t ln = 0;
    for (int i = 0; i < r->ndesigns; i++) {
        const nb_synth_result *pe = &r->designs[i].syn_pe;
        if (!r->designs[i].has_pe || pe->area_pe_baseline <= 0)
            continue;
        compared++;
        if (pe->area_pe <= pe->area_pe_baseline)
            smaller++;
        else
            ln += (size_t)snprintf(larger + ln, sizeof larger - (ln < sizeof larger ? ln : sizeof larger),
                                   "%s%s %+.1f%%", ln ? ", " : "", r->designs[i].label,
                                   100 * (pe->area_pe / pe->area_pe_baseline - 1));
    }
    if (compared) {
        SAY("- The generated PE is no larger than the behavioural baseline (case-table decode to "
            "32-bit integers, '*', '+') for %d of %d designs", smaller, compared);
        if (smaller < compared)
            SAY("; larger for %s. Yosys narrows the baseline's 32-bit integers to the widths the "
                "case tables actually produce, so both end as the same small multiplier, and a "
                "few percent either way is ABC's mapping variance", larger);
        SAY(".\n");
    }
    /* OverQ: activation SQNR against plain 4 bits at the same scale */
    double plain = NAN;
    for (int i = 0; i < r->nacc; i++)
        if (!strcmp(r->acc[i].format, "uint4 (MSE scale)"))
            plain = r->acc[i].sqnr_db;
    if (!isnan(plain)) {
        bool any = false;
        for (int i = 0; i < r->nacc; i++)
            if (!strncmp(r->acc[i].format, "overq c", 7)) {
                if (!any)
                    SAY("- OverQ on %s (same per-token scale as plain 4-bit, %.2f dB):", r->tensors[1].name, plain);
                any = true;
                SAY(" %s %+.2f dB;", r->acc[i].format + 6, r->acc[i].sqnr_db - plain);
            }
        if (any)
            SAY(" at the GEMM level the INT4 weights' error dominates, so int4 x overq designs "
                "gain little there; the PE cost of OverQ is in the designs table.\n");
    }
    /* OverQ: area against the plain INT4 x UINT4 array, per cascade depth */
    const rp_design *plain4 = NULL;
    for (int i = 0; i < r->ndesigns; i++)
        if (!strcmp(r->designs[i].array.weights, "int4") && !strcmp(r->designs[i].array.acts, "uint4"))
            plain4 = &r->designs[i];
    if (plain4 && plain4->syn_array.area_array > 0) {
        bool any = false;
        for (int i = 0; i < r->ndesigns; i++) {
            const rp_design *x = &r->designs[i];
            if (strcmp(x->array.weights, "int4") || !strstr(x->array.acts, "overq"))
                continue;
            if (!any)
                SAY("- OverQ area against the plain INT4 x UINT4 %dx%d array (%.0f um^2, PE "
                    "%.0f um^2), by cascade depth:", plain4->array.rows, plain4->array.cols,
                    plain4->syn_array.area_array, plain4->syn_array.area_pe);
            any = true;
            SAY(" c%d array %+.1f%%, PE %+.1f%%;", x->array.cascade,
                100 * (x->syn_array.area_array / plain4->syn_array.area_array - 1),
                100 * (x->syn_array.area_pe / plain4->syn_array.area_pe - 1));
        }
        if (any)
            SAY(" a PE at any depth of 2 or more is the same hardware (one neighbour weight, "
                "the tag decode and a shift); depth adds only to the encoder, which runs in "
                "software by default (nibble gen --overq-encoder measures it).\n");
    }
    rp_block_findings(r, &n);
    int best = -1;
    for (int i = 0; i < r->ndesigns; i++)
        if (r->designs[i].front_area && (best < 0 || r->designs[i].gemm.sqnr_db > r->designs[best].gemm.sqnr_db))
            best = i;
    if (best >= 0) {
        SAY("- Area-accuracy frontier (%dx%d arrays, GEMM SQNR):", r->o->rows, r->o->cols);
        for (int i = 0; i < r->ndesigns; i++)
            if (r->designs[i].front_area)
                SAY(" %s (%.0f um^2, %.2f dB);", r->designs[i].label, r->designs[i].syn_array.area_array,
                    r->designs[i].gemm.sqnr_db);
        SAY(" every other design is dominated.\n");
    }
}
