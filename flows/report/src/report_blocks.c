/* Block-scaled designs in the report (--blocks): each block design (the
 * array with its scale stage, gen/README.md "Block-scaled designs") next to
 * its software twin, the same element formats on an ordinary integer array
 * whose group scales are applied in software (FP32/double, groups of the
 * block size); what the scale rule costs; findings; scale_rules.csv. */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/block_quant.h"
#include "nibble/design.h"
#include "nibble/files.h"
#include "nibble/list.h"
#include "nibble/metrics.h"
#include "report_internal.h"

#define SPEC_MAX (NB_NAME_MAX + 64)

/* One item of --blocks, W or W@A, as spelled and parsed. */
typedef struct block_item {
    char w[SPEC_MAX], a[SPEC_MAX];
    nb_block_format wbf, abf;
} block_item;

static const char *const EXAMPLES = "e.g. mxfp4, nvfp4, int4/fp16/128 or mx:sf4/e8m0/32@mxfp4";

static bool parse_side(const char *item, const char *spec, nb_block_format *bf, nb_err *err)
{
    if (!*spec)
        return nb_fail(err, "--blocks %s: a format is missing; give W or W@A, %s", item, EXAMPLES);
    if (!nb_block_spec_is_block(spec))
        return nb_fail(err, "--blocks %s: '%s' is not a block-scaled format; give plain formats "
                       "with --formats (weights) and --acts, block designs here as W or W@A, %s",
                       item, spec, EXAMPLES);
    if (!nb_block_format_parse(spec, NULL, bf, err))
        return nb_fail_prefix(err, "--blocks %s", item);
    return true;
}

static bool parse_item(const char *item, int rows, block_item *b, nb_err *err)
{
    const char *at = strrchr(item, '@');
    size_t wl = at ? (size_t)(at - item) : strlen(item);
    if (wl >= sizeof b->w || (at && strlen(at + 1) >= sizeof b->a))
        return nb_fail(err, "--blocks %s: a format name is longer than %zu characters", item,
                       sizeof b->w - 1);
    memcpy(b->w, item, wl);
    b->w[wl] = '\0';
    snprintf(b->a, sizeof b->a, "%s", at ? at + 1 : b->w);
    if (!parse_side(item, b->w, &b->wbf, err) || !parse_side(item, b->a, &b->abf, err))
        return false;
    if (b->wbf.block != b->abf.block)
        return nb_fail(err, "--blocks %s: the weights %s have blocks of %zu and the activations "
                       "%s blocks of %zu along K; give two block formats with the same block "
                       "size", item, b->w, b->wbf.block, b->a, b->abf.block);
    if (b->wbf.block % (size_t)rows)
        return nb_fail(err, "--blocks %s: block size %zu is not a multiple of the array's %d rows "
                       "(--rows %d); give --rows dividing %zu, or --blocks '' for no block "
                       "designs", item, b->wbf.block, rows, rows, b->wbf.block);
    return true;
}

/* Every item parsed (n of them), or false with the reason. */
static bool parse_all(const char *blocks, int rows, block_item **out, int *n, nb_err *err)
{
    nb_list l;
    *out = NULL;
    *n = 0;
    bool ok = nb_list_split(blocks ? blocks : "", ",", &l, err);
    block_item *b = ok && l.n ? calloc((size_t)l.n, sizeof *b) : NULL;
    if (ok && l.n && !b)
        ok = nb_fail(err, "out of memory");
    for (int i = 0; ok && i < l.n; i++) {
        ok = parse_item(l.items[i], rows, &b[i], err);
        for (int j = 0; ok && j < i; j++)
            if (!strcmp(b[i].wbf.name, b[j].wbf.name) && !strcmp(b[i].abf.name, b[j].abf.name))
                ok = nb_fail(err, "--blocks: %s and %s are the same design (%s x %s); give each "
                             "once", l.items[j], l.items[i], b[i].wbf.name, b[i].abf.name);
    }
    if (ok && l.n > RP_MAX / 2)
        ok = nb_fail(err, "--blocks has %d designs; at most %d", l.n, RP_MAX / 2);
    int count = l.n;
    nb_list_free(&l);
    if (!ok) {
        free(b);
        return false;
    }
    *out = b;
    *n = b ? count : 0;
    return true;
}

bool rp_has_blocks(const rp_report *r)
{
    for (int i = 0; i < r->ndesigns; i++)
        if (r->designs[i].block)
            return true;
    return false;
}

bool rp_check_blocks(const char *blocks, int rows, nb_err *err)
{
    block_item *b;
    int n;
    if (!parse_all(blocks, rows, &b, &n, err))
        return false;
    free(b);
    return true;
}

static int find_design(const rp_report *r, const char *w, const char *a)
{
    for (int i = 0; i < r->ndesigns; i++) {
        const rp_design *d = &r->designs[i];
        if (!d->block && !strstr(d->array.acts, "overq") && !strcmp(d->array.weights, w) &&
            !strcmp(d->array.acts, a))
            return i;
    }
    return -1;
}

static const char *rule_of(const nb_block_format *bf)
{
    return nb_scale_rule_name(bf->rule);
}

static bool add_block(rp_report *r, const block_item *b, nb_err *err)
{
    if (r->ndesigns + 2 > RP_MAX)
        return nb_fail(err, "too many designs (at most %d)", RP_MAX);
    rp_design *d = &r->designs[r->ndesigns];
    memset(d, 0, sizeof *d);
    nb_sweep_plan p = {0};
    if (!nb_sweep_add(&p, b->w, b->a, r->o->rows, r->o->cols, RP_ACC_BITS, 0, NB_OVERQ_RANGE,
                      false, err)) {
        nb_sweep_plan_free(&p);
        return false;
    }
    d->array = p.points[0];
    nb_sweep_plan_free(&p);
    d->block = true;
    d->has_pe = false; /* the scale stage is per column: there is no block PE */
    snprintf(d->label, sizeof d->label, "%s x %s", b->w, b->a);
    d->block_size = b->wbf.block;
    snprintf(d->w_scale, sizeof d->w_scale, "%s%s", nb_scale_fmt_name(b->wbf.scale),
             b->wbf.tensor_scale ? "+fp32" : "");
    snprintf(d->a_scale, sizeof d->a_scale, "%s%s", nb_scale_fmt_name(b->abf.scale),
             b->abf.tensor_scale ? "+fp32" : "");
    snprintf(d->rule, sizeof d->rule, "%s", rule_of(&b->wbf));
    if (b->abf.rule != b->wbf.rule)
        snprintf(d->rule, sizeof d->rule, "%s/%s", rule_of(&b->wbf), rule_of(&b->abf));
    snprintf(d->w_elem, sizeof d->w_elem, "%s", b->wbf.elem.name);
    snprintf(d->a_elem, sizeof d->a_elem, "%s", b->abf.elem.name);
    d->twin_sqnr_block = NAN;
    /* the scale stage's depth is the generator's default */
    nb_design *des = nb_sweep_design(&d->array, err);
    if (!des)
        return nb_fail_prefix(err, "block design %s", d->label);
    d->scale_latency = des->scale_latency;
    d->scale_term_stages = des->scale_term_stages;
    d->scale_add_stages = des->scale_add_stages;
    nb_design_free(des);
    int self = r->ndesigns++;
    /* the twin: an existing design of the same element formats, or a new one */
    int t = find_design(r, d->w_elem, d->a_elem);
    if (t < 0) {
        if (!rp_add_design(r, d->w_elem, d->a_elem, 0, err))
            return nb_fail_prefix(err, "the software twin of %s", d->label);
        t = r->ndesigns - 1;
        r->designs[t].twin_only = true;
    }
    r->designs[t].is_twin = true;
    r->designs[self].twin = &r->designs[t];
    return true;
}

bool rp_plan_blocks(rp_report *r, nb_err *err)
{
    block_item *b;
    int n;
    if (!parse_all(r->o->blocks, r->o->rows, &b, &n, err))
        return false;
    bool ok = true;
    for (int i = 0; ok && i < n; i++)
        ok = add_block(r, &b[i], err);
    free(b);
    return ok;
}

/* ---- accuracy ------------------------------------------------------------ */

static bool push_rule(rp_report *r, const char *kind, const char *format, const char *bfname,
                      const char *rule, bool is_default, double sqnr, double mse, nb_err *err)
{
    if (r->nrules == r->rules_cap) {
        int cap = r->rules_cap ? 2 * r->rules_cap : 64;
        rp_rule_row *p = realloc(r->rules, (size_t)cap * sizeof *p);
        if (!p)
            return nb_fail(err, "out of memory");
        r->rules = p;
        r->rules_cap = cap;
    }
    rp_rule_row *x = &r->rules[r->nrules++];
    memset(x, 0, sizeof *x);
    snprintf(x->kind, sizeof x->kind, "%s", kind);
    snprintf(x->format, sizeof x->format, "%s", format);
    snprintf(x->block_format, sizeof x->block_format, "%s", bfname);
    snprintf(x->rule, sizeof x->rule, "%s", rule);
    x->is_default = is_default;
    x->sqnr_db = sqnr;
    x->mse = mse;
    return true;
}

/* GEMM SQNR of a design on the synthetic weights at a scaling, from the rows
 * already measured; NaN if none. */
static double gemm_row_sqnr(const rp_report *r, const char *label, const char *scaling)
{
    for (int i = 0; i < r->nacc; i++)
        if (!strcmp(r->acc[i].role, "gemm") && !strcmp(r->acc[i].tensor, r->tensors[0].name) &&
            !strcmp(r->acc[i].format, label) && !strcmp(r->acc[i].scaling, scaling))
            return r->acc[i].sqnr_db;
    return NAN;
}

static const nb_scale_rule E8M0_RULES[] = {NB_RULE_FLOOR, NB_RULE_RCEIL, NB_RULE_EVEN};

/* The block design under every rule its scales admit (a rule applies to the
 * operands whose scale format takes it; the other keeps its own). */
static bool design_rules(rp_report *r, rp_design *d, const nb_design *des,
                         const nb_workload_spec *base, nb_err *err)
{
    bool e8 = des->wblock.scale == NB_SF_E8M0 || des->ablock.scale == NB_SF_E8M0;
    bool other = des->wblock.scale != NB_SF_E8M0 || des->ablock.scale != NB_SF_E8M0;
    nb_scale_rule rules[4];
    int nr = 0;
    if (e8)
        for (int i = 0; i < 3; i++)
            rules[nr++] = E8M0_RULES[i];
    if (other)
        rules[nr++] = NB_RULE_NEAREST;
    for (int i = 0; i < nr; i++) {
        bool is_default = rules[i] == des->wblock.rule || rules[i] == des->ablock.rule;
        nb_gemm_accuracy g = d->gemm;
        if (!is_default) {
            nb_workload_spec spec = *base;
            spec.block_rule_set = true;
            spec.block_rule = rules[i];
            if (!nb_gemm_accuracy_run(des, 0, 0, &spec, &g, err))
                return nb_fail_prefix(err, "GEMM accuracy of %s with scale rule %s", d->label,
                                      nb_scale_rule_name(rules[i]));
        }
        char bfname[2 * SPEC_MAX + 8];
        snprintf(bfname, sizeof bfname, "%s x %s", des->wblock.name, des->ablock.name);
        if (!push_rule(r, "gemm", d->label, bfname, nb_scale_rule_name(rules[i]), is_default,
                       g.sqnr_db, g.mse, err))
            return false;
    }
    return true;
}

/* The twin's GEMM SQNR in groups of the block size (FP32 software scales). */
static bool twin_at_block(rp_report *r, rp_design *d, const nb_workload_spec *base, nb_err *err)
{
    char sc[32];
    snprintf(sc, sizeof sc, "group%zu", d->block_size);
    double v = gemm_row_sqnr(r, d->twin->label, sc);
    if (isnan(v)) {
        nb_design *des = nb_sweep_design(&d->twin->array, err);
        if (!des)
            return nb_fail_prefix(err, "GEMM accuracy of %s", d->twin->label);
        nb_workload_spec spec = *base;
        spec.group = d->block_size;
        spec.clip = r->o->clip;
        nb_gemm_accuracy g;
        bool ok = nb_gemm_accuracy_run(des, 0, 0, &spec, &g, err);
        nb_design_free(des);
        if (!ok)
            return nb_fail_prefix(err, "GEMM accuracy of %s in groups of %zu", d->twin->label,
                                  d->block_size);
        if (!rp_push_acc(r, r->tensors[0].name, d->twin->label, sc, "gemm", g.sqnr_db, g.mse, err))
            return false;
        v = g.sqnr_db;
    }
    d->twin_sqnr_block = v;
    return true;
}

/* An element format under mx:ELEM/e8m0/32/RULE on the synthetic weights, for
 * floor, rceil and even; a format that cannot be a block element (wider
 * than 8 bits, OverQ) is left out. */
static bool element_rules(rp_report *r, const char *elem, nb_err *err)
{
    const rp_tensor *t = &r->tensors[0];
    size_t n = t->rows * t->cols;
    float *y = malloc(n * sizeof *y);
    if (!y)
        return nb_fail(err, "out of memory");
    bool ok = true;
    for (int i = 0; ok && i < 3; i++) {
        char spec[SPEC_MAX + 32];
        snprintf(spec, sizeof spec, "mx:%s/e8m0/32/%s", elem, nb_scale_rule_name(E8M0_RULES[i]));
        nb_block_format bf;
        nb_err ignored;
        if (!nb_block_format_parse(spec, NULL, &bf, &ignored))
            break;
        nb_block_qtensor q;
        if (!nb_block_quantize(t->data, t->rows, t->cols, &bf, &q, err)) {
            ok = nb_fail_prefix(err, "quantizing %s to %s", t->name, spec);
            break;
        }
        nb_block_dequantize(&q, y);
        nb_block_qtensor_free(&q);
        nb_error_stats e = nb_error_stats_float(t->data, y, n);
        ok = push_rule(r, "tensor", elem, bf.name, nb_scale_rule_name(E8M0_RULES[i]),
                       E8M0_RULES[i] == NB_RULE_RCEIL, e.sqnr_db, e.mse, err);
    }
    free(y);
    return ok;
}

static bool listed(char **seen, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(seen[i], s))
            return true;
    return false;
}

bool rp_block_accuracy(rp_report *r, const nb_workload_spec *base, nb_err *err)
{
    bool ok = true;
    for (int i = 0; ok && i < r->ndesigns; i++) {
        rp_design *d = &r->designs[i];
        if (!d->block)
            continue;
        nb_design *des = nb_sweep_design(&d->array, err);
        if (!des)
            return nb_fail_prefix(err, "GEMM accuracy of %s", d->label);
        ok = design_rules(r, d, des, base, err) && twin_at_block(r, d, base, err);
        nb_design_free(des);
        if (ok)
            rp_progress(r, "%s: %.2f dB with the scale stage; its twin %s %.2f dB with software "
                        "scales in groups of %zu", d->label, d->gemm.sqnr_db, d->twin->label,
                        d->twin_sqnr_block, d->block_size);
    }
    if (!ok || !rp_has_blocks(r))
        return ok;
    /* the element formats of --formats and of the block designs */
    nb_list fl;
    char *seen[RP_MAX * 3];
    int ns = 0;
    ok = nb_list_split(r->o->formats, ",", &fl, err);
    for (int i = 0; ok && i < fl.n; i++)
        if (!listed(seen, ns, fl.items[i]))
            seen[ns++] = fl.items[i];
    for (int i = 0; ok && i < r->ndesigns; i++)
        if (r->designs[i].block) {
            if (!listed(seen, ns, r->designs[i].w_elem))
                seen[ns++] = r->designs[i].w_elem;
            if (!listed(seen, ns, r->designs[i].a_elem))
                seen[ns++] = r->designs[i].a_elem;
        }
    for (int i = 0; ok && i < ns; i++)
        ok = element_rules(r, seen[i], err);
    nb_list_free(&fl);
    return ok;
}

/* ---- findings -------------------------------------------------------------- */

typedef struct text {
    char *buf;
    size_t len, n;
} text;

static void say(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(text *t, const char *fmt, ...)
{
    if (t->n >= t->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->buf + t->n, t->len - t->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        t->n += (size_t)k;
}

static double rule_sqnr(const rp_report *r, const char *kind, const char *format, const char *rule)
{
    for (int i = 0; i < r->nrules; i++)
        if (!strcmp(r->rules[i].kind, kind) && !strcmp(r->rules[i].format, format) &&
            !strcmp(r->rules[i].rule, rule))
            return r->rules[i].sqnr_db;
    return NAN;
}

/* Why the hardware's scales differ from FP32 software scales. */
static const char *scale_reason(const rp_design *d)
{
    if (!strcmp(d->w_scale, "e8m0") || !strcmp(d->a_scale, "e8m0"))
        return "E8M0 scales are powers of two, so a block's largest value lands anywhere from "
               "half the element maximum to the maximum instead of on it, and fewer levels are "
               "used";
    if (strstr(d->w_scale, "ue4m3") || strstr(d->a_scale, "ue4m3"))
        return "the UE4M3 scale (3 mantissa bits) puts a block's largest value within about 6% "
               "of the element maximum rather than on it";
    return "a 16-bit scale puts a block's largest value within a rounding step of the element "
           "maximum, almost where an FP32 scale does";
}

/* Why the hardware's scales beat FP32 software scales (absmax / max|value|). */
static const char *ahead_reason(const rp_design *d)
{
    nb_format f;
    nb_err ignored;
    bool one_sided = nb_format_parse(d->w_elem, NULL, &f, &ignored) && f.num_values > 0 &&
                     -f.values[0] != f.max_positive;
    if (one_sided)
        return "the weight element's largest magnitude exists with one sign only (a supernormal "
               "level), so the software scale, which maps each block's largest magnitude onto "
               "it, clips every block whose largest magnitude has the other sign (a bias that "
               "adds up along K with non-negative activations); the block scale rounded up to a "
               "power of two usually leaves that maximum below the one-sided level";
    return "the block scale rounded up to a power of two leaves the block maximum below the "
           "element maximum, where the element's levels suit this distribution better";
}

void rp_block_findings(rp_report *r, size_t *n)
{
    text t = {r->block_findings, sizeof r->block_findings, 0};
    text f = {r->findings, sizeof r->findings, *n};
    r->block_findings[0] = '\0';
    int nb = 0;
    for (int i = 0; i < r->ndesigns; i++) {
        const rp_design *d = &r->designs[i];
        if (!d->block || !d->twin)
            continue;
        nb++;
        const rp_design *tw = d->twin;
        double a = d->syn_array.area_array, at = tw->syn_array.area_array;
        say(&t, "- %s (%s x %s scales, blocks of %zu, %d-cycle scale stage): ", d->label,
            d->w_scale, d->a_scale, d->block_size, d->scale_latency);
        if (a > 0 && at > 0)
            say(&t, "the %dx%d array is %.0f um^2, %+.0f um^2 (%+.1f%%) over its software twin %s "
                "(%.0f um^2)", d->array.rows, d->array.cols, a, a - at, 100 * (a / at - 1),
                tw->label, at);
        else
            say(&t, "area not measured");
        if (d->syn_array.fmax_mhz > 0 && tw->syn_array.fmax_mhz > 0)
            say(&t, ", fmax %.0f MHz against %.0f MHz", d->syn_array.fmax_mhz,
                tw->syn_array.fmax_mhz);
        double e = rp_energy_pj(d), et = rp_energy_pj(tw);
        if (isfinite(e) && isfinite(et))
            say(&t, "; %.3f pJ per MAC (%s) against the twin's %.3f (%s), %+.3f pJ (%+.1f%%) for "
                "the scale stage", e, rp_power_of(d), et, rp_power_of(tw), e - et,
                100 * (e / et - 1));
        else
            say(&t, "; energy not measured");
        double q = d->gemm.sqnr_db, qt = d->twin_sqnr_block;
        say(&t, ". GEMM SQNR %.2f dB with the array's own scales against %.2f dB for the same "
            "elements with FP32 software scales in groups of %zu (%+.2f dB): ", q, qt,
            d->block_size, q - qt);
        if (fabs(q - qt) <= 0.05)
            say(&t, "the same to within 0.05 dB: the scale hardware costs no accuracy and saves "
                "the software pass over every block's partial sums.\n");
        else if (q > qt)
            say(&t, "the array's scales are ahead here: %s.\n", ahead_reason(d));
        else
            say(&t, "%s.\n", scale_reason(d));
        /* what the scale rule costs this design's GEMM */
        double fl = rule_sqnr(r, "gemm", d->label, "floor"), rc = rule_sqnr(r, "gemm", d->label, "rceil");
        if (isfinite(fl) && isfinite(rc))
            say(&t, "- %s by scale rule: floor %.2f dB, rceil %.2f dB, even %.2f dB (default %s).\n",
                d->label, fl, rc, rule_sqnr(r, "gemm", d->label, "even"), d->rule);
    }
    /* the element formats under E8M0 rules */
    for (int i = 0; i < r->nrules; i++) {
        const rp_rule_row *x = &r->rules[i];
        if (strcmp(x->kind, "tensor") || strcmp(x->rule, "floor"))
            continue;
        double fl = x->sqnr_db, rc = rule_sqnr(r, "tensor", x->format, "rceil"),
               ev = rule_sqnr(r, "tensor", x->format, "even");
        nb_block_format bf;
        nb_err ignored;
        bool one = nb_block_format_parse(x->block_format, NULL, &bf, &ignored) &&
                   bf.elem.max_abs == 1.0;
        say(&t, "- %s in E8M0 blocks of 32 on %s: floor %.2f dB, rceil %.2f dB, even %.2f dB; ",
            x->format, r->tensors[0].name, fl, rc, ev);
        double top = pow(2, bf.emax + 1);
        if (one)
            say(&t, "floor costs %.2f dB against rceil: its largest element is 1, so floor's scale "
                "2^floor(log2 amax) leaves every block maximum that is not a power of two above "
                "1, and it clips", rc - fl);
        else if (rc - fl >= 0)
            say(&t, "floor costs %.2f dB against rceil (it clips the block maxima between %g and "
                "%g times a power of two)", rc - fl, bf.elem.max_abs, top);
        else if (bf.elem.max_abs < top)
            say(&t, "floor is %.2f dB better than rceil: for block maxima between %g and %g times "
                "a power of two it clips the maximum to %g but keeps a scale half as large as "
                "rceil's, so every other element of the block gets steps half as wide", fl - rc,
                bf.elem.max_abs, top, bf.elem.max_abs);
        else
            say(&t, "floor is %.2f dB better than rceil", fl - rc);
        say(&t, ".\n");
    }
    if (nb)
        say(&f, "- %d block-scaled design%s (scale stage in the array) against their software "
            "twins: see \"Block scales in hardware\".\n", nb, nb > 1 ? "s" : "");
    *n = f.n;
}

/* ---- tables ---------------------------------------------------------------- */

bool rp_write_block_table(const rp_report *r, nb_err *err)
{
    if (!rp_has_blocks(r))
        return true;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return nb_fail(err, "out of memory building scale_rules.csv");
    fputs("kind,tensor,format,block_format,rule,default,sqnr_db,mse\n", f);
    for (int i = 0; i < r->nrules; i++) {
        const rp_rule_row *x = &r->rules[i];
        fprintf(f, "%s,", x->kind);
        nb_csv_quoted(f, r->tensors[0].name, ",");
        nb_csv_quoted(f, x->format, ",");
        nb_csv_quoted(f, x->block_format, ",");
        fprintf(f, "%s,%d,", x->rule, x->is_default);
        nb_csv_number(f, x->sqnr_db, ",");
        nb_csv_number(f, x->mse, "\n");
    }
    char path[4400];
    rp_path(r, path, sizeof path, "scale_rules.csv");
    bool ok = nb_memstream_close(f, &buf, "scale_rules.csv", err) &&
              nb_write_file(path, buf, len, err);
    free(buf);
    return ok;
}

json_t *rp_blocks_json(const rp_report *r)
{
    json_t *a = json_array();
    for (int i = 0; a && i < r->nrules; i++) {
        const rp_rule_row *x = &r->rules[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "kind",
                                           x->kind, "tensor", r->tensors[0].name, "format",
                                           x->format, "block_format", x->block_format, "rule",
                                           x->rule, "default", x->is_default, "sqnr_db",
                                           rp_json_num(x->sqnr_db), "mse", rp_json_num(x->mse)));
    }
    return a;
}
