/* Sweep plans: points, presets, and the design each point stands for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/sweep.h"

/* Accumulator width of every sweep design: wide enough for any 4-bit format
 * pair here and K up to a few thousand, and equal across formats so that
 * area differences come from decoders and multipliers only. */
#define SWEEP_ACC_BITS 24

static void safe_name(char *dst, size_t len, const char *src)
{
    size_t j = 0;
    for (size_t i = 0; src[i] && j + 1 < len; i++)
        dst[j++] = (src[i] == ',' || src[i] == ':' || src[i] == '/' || src[i] == ' ') ? '+' : src[i];
    dst[j] = '\0';
}

bool nb_sweep_add(nb_sweep_plan *plan, const char *weights, const char *acts, int rows, int cols,
                  int acc_bits, int cascade, nb_overq_mode mode, bool encoder, nb_err *err)
{
    if (plan->n == plan->cap) {
        int cap = plan->cap ? 2 * plan->cap : 32;
        nb_sweep_point *p = realloc(plan->points, (size_t)cap * sizeof *p);
        if (!p)
            return nb_fail(err, "out of memory");
        plan->points = p;
        plan->cap = cap;
    }
    nb_sweep_point *p = &plan->points[plan->n];
    memset(p, 0, sizeof *p);
    /* names are never cut short: two long codebook paths with the same prefix
     * would become one point and a design would silently vanish */
    if (strlen(weights) >= sizeof p->weights || strlen(acts) >= sizeof p->acts)
        return nb_fail(err, "sweep point %s x %s: a format list is longer than %zu characters",
                       weights, acts, sizeof p->weights - 1);
    snprintf(p->weights, sizeof p->weights, "%s", weights);
    snprintf(p->acts, sizeof p->acts, "%s", acts);
    p->rows = rows;
    p->cols = cols;
    p->acc_bits = acc_bits;
    p->cascade = cascade;
    p->overq_mode = mode;
    p->encoder = encoder;
    char w[sizeof p->weights], a[sizeof p->acts];
    safe_name(w, sizeof w, weights);
    safe_name(a, sizeof a, acts);
    int n = snprintf(p->name, sizeof p->name, "%s_x_%s_%dx%d_acc%d", w, a, rows, cols, acc_bits);
    if (strstr(acts, "overq") && n >= 0 && (size_t)n < sizeof p->name)
        n += snprintf(p->name + n, sizeof p->name - (size_t)n, "_c%d%s%s", cascade,
                      mode == NB_OVERQ_RANGE ? "" : "_prec", encoder ? "_enc" : "");
    if (n < 0 || (size_t)n >= sizeof p->name)
        return nb_fail(err, "sweep point %s x %s: its name would be longer than %zu characters; "
                       "use shorter format names (e.g. a shorter codebook path)", weights, acts,
                       sizeof p->name - 1);
    for (int i = 0; i < plan->n; i++)
        if (strcmp(plan->points[i].name, p->name) == 0)
            return true; /* already planned */
    plan->n++;
    return true;
}

void nb_sweep_plan_free(nb_sweep_plan *plan)
{
    free(plan->points);
    memset(plan, 0, sizeof *plan);
}

/* ---- presets ------------------------------------------------------------ */

static const char *const PE_WEIGHTS[] = {"int4", "int4-full", "e2m1", "e2m1-sr", "e2m1-sp",
                                         "e2m1-sp1", "e2m1-ns", "e2m1-i", "e2m1-b", "e1m2",
                                         "e3m0", "nf4", "sf4", "apot4", "apot4-sp"};
static const char *const E2M1_FAMILY[] = {"e2m1", "e2m1-sr", "e2m1-sp", "e2m1-sp1"};
#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

static bool preset_pe_formats(nb_sweep_plan *plan, nb_err *err)
{
    bool ok = true;
    for (int i = 0; ok && i < COUNT(PE_WEIGHTS); i++)
        ok = nb_sweep_add(plan, PE_WEIGHTS[i], "int4", 1, 1, SWEEP_ACC_BITS, 0, NB_OVERQ_RANGE,
                          false, err);
    for (int i = 0; ok && i < COUNT(E2M1_FAMILY); i++)
        ok = nb_sweep_add(plan, E2M1_FAMILY[i], E2M1_FAMILY[i], 1, 1, SWEEP_ACC_BITS, 0,
                          NB_OVERQ_RANGE, false, err);
    return ok;
}

/* Sizes for fitting the analytic cost model; the largest are held out. */
static bool preset_arrays(nb_sweep_plan *plan, nb_err *err)
{
    static const int SIZES[][2] = {{1, 1}, {2, 2}, {2, 4}, {4, 2}, {4, 4}, {3, 5}, {8, 4}, {4, 8}, {8, 8}};
    static const char *const PAIRS[][2] = {{"int4", "int4"}, {"e2m1", "e2m1"}, {"sf4", "int4"}};
    bool ok = true;
    for (int f = 0; ok && f < COUNT(PAIRS); f++)
        for (int s = 0; ok && s < COUNT(SIZES); s++)
            ok = nb_sweep_add(plan, PAIRS[f][0], PAIRS[f][1], SIZES[s][0], SIZES[s][1],
                              SWEEP_ACC_BITS, 0, NB_OVERQ_RANGE, false, err);
    return ok;
}

/* OverQ: plain INT4 x INT4/UINT4 next to cascade depths 0..3 (range, and
 * range+precision), on 4x4 arrays (PE area comes from the same designs: a PE's
 * neighbour-weight muxes grow with the depth) with and without the encoder. */
static bool preset_overq(nb_sweep_plan *plan, nb_err *err)
{
    bool ok = nb_sweep_add(plan, "int4", "int4", 4, 4, SWEEP_ACC_BITS, 0, NB_OVERQ_RANGE, false, err) &&
              nb_sweep_add(plan, "int4", "uint4", 4, 4, SWEEP_ACC_BITS, 0, NB_OVERQ_RANGE, false, err);
    for (int c = 0; ok && c <= 3; c++)
        ok = nb_sweep_add(plan, "int4", "overq", 4, 4, SWEEP_ACC_BITS, c, NB_OVERQ_RANGE, false, err) &&
             nb_sweep_add(plan, "int4", "overq", 4, 4, SWEEP_ACC_BITS, c, NB_OVERQ_RANGE_PRECISION,
                          false, err) &&
             nb_sweep_add(plan, "int4", "overq", 4, 4, SWEEP_ACC_BITS, c, NB_OVERQ_RANGE, true, err);
    return ok;
}

typedef struct preset {
    const char *name, *what;
    bool (*make)(nb_sweep_plan *, nb_err *);
} preset;

static const preset PRESETS[] = {
    {"pe-formats", "every single-format PE: each weight format x int4, the E2M1 family x itself",
     preset_pe_formats},
    {"arrays", "int4, e2m1 and sf4 x int4 arrays from 1x1 to 8x8 (cost-model fit and hold-out)",
     preset_arrays},
    {"overq", "plain INT4/UINT4 next to OverQ cascade depths 0..3 on 4x4 arrays", preset_overq},
};

void nb_sweep_list_presets(FILE *out)
{
    for (int i = 0; i < COUNT(PRESETS); i++)
        fprintf(out, "  %-12s %s\n", PRESETS[i].name, PRESETS[i].what);
}

bool nb_sweep_preset(const char *name, nb_sweep_plan *plan, nb_err *err)
{
    for (int i = 0; i < COUNT(PRESETS); i++)
        if (strcmp(name, PRESETS[i].name) == 0)
            return PRESETS[i].make(plan, err);
    char list[256] = "";
    for (int i = 0; i < COUNT(PRESETS); i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 PRESETS[i].name);
    return nb_fail(err, "unknown sweep preset '%s'; presets: %s", name, list);
}

nb_design *nb_sweep_design(const nb_sweep_point *p, nb_err *err)
{
    char command[1024];
    int n = snprintf(command, sizeof command,
                     "nibble gen --weights %s --acts %s --rows %d --cols %d --acc-bits %d",
                     p->weights, p->acts, p->rows, p->cols, p->acc_bits);
    if (strstr(p->acts, "overq"))
        snprintf(command + n, sizeof command - (size_t)n, " --cascade %d --overq-mode %s%s",
                 p->cascade, nb_overq_mode_name(p->overq_mode), p->encoder ? " --overq-encoder" : "");
    nb_design_params dp = nb_design_params_default();
    dp.weights = p->weights;
    dp.acts = p->acts;
    dp.rows = p->rows;
    dp.cols = p->cols;
    dp.acc_bits = p->acc_bits;
    bool overq = strstr(p->acts, "overq") != NULL;
    dp.cascade = overq ? p->cascade : -1;
    dp.overq_mode = p->overq_mode;
    dp.overq_encoder = p->encoder;
    dp.command = command;
    return nb_design_create(&dp, err);
}
