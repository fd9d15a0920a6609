/* Block-format specs: mx:ELEM/SCALE/BLOCK[/RULE] and the named aliases. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nibble/block_format.h"
#include "nibble/parse.h"

typedef struct block_alias {
    const char *name;
    const char *spec; /* without the rule */
} block_alias;

/* OCP MX v1.0 concrete formats (block 32, E8M0 scales) and NVIDIA's NVFP4.
 * The FP6/FP8 elements come from the ExMy spec parser (fp:eXmY). */
static const block_alias ALIASES[] = {
    {"mxfp4", "e2m1/e8m0/32"},
    {"mxfp6e3m2", "fp:e3m2:special=none/e8m0/32"},
    {"mxfp6e2m3", "fp:e2m3:special=none/e8m0/32"},
    {"mxfp8e4m3", "fp:e4m3:special=fn/e8m0/32"},
    {"mxfp8e5m2", "fp:e5m2:special=ieee/e8m0/32"},
    {"mxint8", "int8/e8m0/32"},
    {"nvfp4", "e2m1/ue4m3+fp32/16"},
};
#define ALIAS_COUNT (sizeof ALIASES / sizeof ALIASES[0])

static const char *RULE_NAMES[] = {"floor", "rceil", "even", "nearest"};

bool nb_scale_rule_parse(const char *s, nb_scale_rule *out, nb_err *err)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, RULE_NAMES[i]) == 0) {
            *out = (nb_scale_rule)i;
            return true;
        }
    return nb_fail(err, "unknown scale rule '%s': use floor, rceil or even (E8M0 scales) or "
                   "nearest (ue4m3, fp16, bf16 scales)", s);
}

const char *nb_scale_rule_name(nb_scale_rule r)
{
    return RULE_NAMES[r];
}

static const block_alias *find_alias(const char *name, size_t len)
{
    for (size_t i = 0; i < ALIAS_COUNT; i++)
        if (strlen(ALIASES[i].name) == len && strncasecmp(ALIASES[i].name, name, len) == 0)
            return &ALIASES[i];
    return NULL;
}

/* Width of an element spec that names its width ([fp:]eXmY, [u]int[:]N), or 0. */
static int named_width(const char *s)
{
    const char *p = s;
    if (strncasecmp(p, "fp:", 3) == 0)
        p += 3;
    char *end;
    if (*p == 'e' || *p == 'E') {
        long x = strtol(p + 1, &end, 10);
        if (end == p + 1 || (*end != 'm' && *end != 'M'))
            return 0;
        const char *q = end + 1;
        long y = strtol(q, &end, 10);
        if (end == q || (*end && *end != ':') || x < 0 || y < 0 || x > 64 || y > 64)
            return 0;
        return 1 + (int)x + (int)y;
    }
    if (strncasecmp(p, "uint", 4) == 0)
        p += 4;
    else if (strncasecmp(p, "int", 3) == 0)
        p += 3;
    else
        return 0;
    if (*p == ':')
        p++;
    long n = strtol(p, &end, 10);
    if (end == p || *end || n < 0 || n > 1024)
        return 0;
    return (int)n;
}

/* Split "A/B/C[/D]" from the right into at most 4 fields (the first may hold '/'). */
static int split_right(char *s, char *fields[4])
{
    int n = 0;
    char *tail[3];
    for (int i = 0; i < 3; i++) {
        char *slash = strrchr(s, '/');
        if (!slash)
            break;
        *slash = '\0';
        tail[n++] = slash + 1;
    }
    fields[0] = s;
    for (int i = 0; i < n; i++)
        fields[1 + i] = tail[n - 1 - i];
    return n + 1;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool is_rule(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, RULE_NAMES[i]) == 0)
            return true;
    return false;
}

bool nb_block_spec_is_block(const char *spec)
{
    if (strncasecmp(spec, "mx:", 3) == 0)
        return true;
    const char *slash = strchr(spec, '/');
    if (find_alias(spec, slash ? (size_t)(slash - spec) : strlen(spec)))
        return true;
    if (strncasecmp(spec, "mxfp6", 5) == 0 || strncasecmp(spec, "mxfp8", 5) == 0)
        return true;
    /* ELEM/SCALE/BLOCK[/RULE]: a known scale name before the block size. */
    char buf[NB_NAME_MAX];
    if (strlen(spec) >= sizeof buf)
        return false;
    strcpy(buf, spec);
    char *f[4];
    int n = split_right(buf, f);
    if (n < 3)
        return false;
    /* ELEM/SCALE/BLOCK ends in digits; ELEM/SCALE/BLOCK/RULE in a word. */
    const char *scale = n == 4 && !all_digits(f[3]) ? f[1] : f[n - 2];
    char sname[32];
    snprintf(sname, sizeof sname, "%s", scale);
    char *plus = strchr(sname, '+');
    if (plus)
        *plus = '\0';
    nb_scale_fmt sf;
    nb_err e;
    return nb_scale_fmt_parse(sname, &sf, &e);
}

static int floor_log2(double x)
{
    int e;
    frexp(x, &e);
    return e - 1;
}

static int even_bits(const nb_format *f)
{
    switch (f->encoding) {
    case NB_ENC_MINIFLOAT:
        return f->minifloat.man_bits;
    case NB_ENC_TWOS:
    case NB_ENC_UNSIGNED:
        return floor_log2(f->max_abs);
    default:
        return 0;
    }
}

bool nb_block_format_parse(const char *spec, const nb_format_opts *fopts, nb_block_format *out,
                           nb_err *err)
{
    memset(out, 0, sizeof *out);
    if (!spec || !*spec)
        return nb_fail(err, "empty block format; write mx:ELEMENT/SCALE/BLOCK, e.g. "
                       "mx:e2m1/e8m0/32, or an alias such as mxfp4 or nvfp4");
    char buf[NB_NAME_MAX];
    const char *body = spec;
    if (strncasecmp(body, "mx:", 3) == 0)
        body += 3;
    /* An alias, with an optional /RULE. */
    const char *slash = strchr(body, '/');
    size_t head = slash ? (size_t)(slash - body) : strlen(body);
    const block_alias *al = body == spec ? find_alias(body, head) : NULL;
    if (al) {
        if (slash && (strchr(slash + 1, '/') || !is_rule(slash + 1)))
            return nb_fail(err, "block format '%s': after the alias %s only a scale rule may "
                           "follow (e.g. %s/floor)", spec, al->name, al->name);
        snprintf(out->alias, sizeof out->alias, "%s", al->name);
        if (snprintf(buf, sizeof buf, "%s%s", al->spec, slash ? slash : "") >= (int)sizeof buf)
            return nb_fail(err, "block format '%s' is too long", spec);
    } else if (body == spec && (strncasecmp(body, "mxfp6", 5) == 0 ||
                                strncasecmp(body, "mxfp8", 5) == 0) &&
               head == 5) {
        return nb_fail(err, "block format '%s' is ambiguous: write %s (OCP names both "
                       "element formats)", spec,
                       body[4] == '6' ? "mxfp6e3m2 or mxfp6e2m3" : "mxfp8e4m3 or mxfp8e5m2");
    } else {
        if (strlen(body) >= sizeof buf)
            return nb_fail(err, "block format '%s' is too long (at most %zu characters)", spec,
                           sizeof buf - 1);
        strcpy(buf, body);
    }

    char *f[4];
    int n = split_right(buf, f);
    const char *rule_text = NULL;
    if (n == 4) {
        rule_text = f[3];
    } else if (n < 3) {
        return nb_fail(err, "block format '%s' needs ELEMENT/SCALE/BLOCK, e.g. mx:e2m1/e8m0/32 "
                       "or int4/fp16/128", spec);
    }
    if (n == 4 && all_digits(rule_text)) {
        /* The element held a '/' (lut:dir/file): glue it back. */
        f[0][strlen(f[0])] = '/';
        f[1] = f[2];
        f[2] = f[3];
        rule_text = NULL;
    }
    const char *elem = f[0], *scale = f[1], *size = f[2];

    uint64_t b;
    nb_num_status st = nb_parse_uint(size, NB_BLOCK_SIZE_MAX, &b);
    if (st != NB_NUM_OK || b == 0)
        return nb_fail(err, "block format '%s': block size '%s' is %s; use a positive integer "
                       "up to %u, e.g. 32", spec, size,
                       st == NB_NUM_OK ? "zero" : nb_num_status_text(st), NB_BLOCK_SIZE_MAX);
    out->block = (size_t)b;

    char sname[32];
    if (snprintf(sname, sizeof sname, "%s", scale) >= (int)sizeof sname)
        return nb_fail(err, "block format '%s': unknown scale format '%s'; valid scale formats: "
                       "%s", spec, scale, nb_scale_fmt_valid_names());
    char *plus = strchr(sname, '+');
    if (plus) {
        *plus = '\0';
        if (strcasecmp(plus + 1, "fp32") != 0)
            return nb_fail(err, "block format '%s': '%s' after '+' is not a tensor scale; the only "
                           "per-tensor scale is fp32 (ue4m3+fp32, as in NVFP4)", spec, plus + 1);
        out->tensor_scale = true;
    }
    if (!nb_scale_fmt_parse(sname, &out->scale, err))
        return nb_fail_prefix(err, "block format '%s'", spec);
    if (out->tensor_scale && out->scale != NB_SF_UE4M3)
        return nb_fail(err, "block format '%s': a per-tensor fp32 scale goes with ue4m3 block "
                       "scales only (NVFP4); drop '+fp32'", spec);

    int width = named_width(elem);
    if (width > 8)
        return nb_fail(err, "block format '%s': element '%s' is %d bits wide; block elements are "
                       "2 to 8 bits", spec, elem, width);
    if (!nb_format_parse(elem, fopts, &out->elem, err))
        return nb_fail_prefix(err, "block format '%s': element", spec);
    if (out->elem.code_bits > 8)
        return nb_fail(err, "block format '%s': element %s is %d bits wide; block elements are 2 "
                       "to 8 bits", spec, out->elem.name, out->elem.code_bits);
    if (out->elem.is_overq)
        return nb_fail(err, "block format '%s': OverQ slots are not an element format; use uint4 "
                       "or another element", spec);

    out->rule = out->scale == NB_SF_E8M0 ? NB_RULE_RCEIL : NB_RULE_NEAREST;
    if (rule_text && !nb_scale_rule_parse(rule_text, &out->rule, err))
        return nb_fail_prefix(err, "block format '%s'", spec);
    bool pow2 = out->scale == NB_SF_E8M0;
    if (pow2 && out->rule == NB_RULE_NEAREST)
        return nb_fail(err, "block format '%s': rule nearest is for ue4m3, fp16 and bf16 scales; "
                       "e8m0 scales take floor, rceil or even", spec);
    if (!pow2 && out->rule != NB_RULE_NEAREST)
        return nb_fail(err, "block format '%s': rule %s chooses a power of two and needs e8m0 "
                       "scales; %s scales take the rule nearest", spec,
                       nb_scale_rule_name(out->rule), nb_scale_fmt_name(out->scale));

    out->rounding = out->elem.supports_rne ? NB_ROUND_NEAREST_EVEN : NB_ROUND_NEAREST_LOWER;
    out->emax = floor_log2(out->elem.max_abs);
    out->even_bits = even_bits(&out->elem);
    snprintf(out->name, sizeof out->name, "mx:%s/%s%s/%zu/%s", out->elem.name,
             nb_scale_fmt_name(out->scale), out->tensor_scale ? "+fp32" : "", out->block,
             nb_scale_rule_name(out->rule));
    return true;
}
