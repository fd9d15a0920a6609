/* Every fp: spec the grammar admits (X + Y <= 7, every bias, sub, special and
 * super policy), and int:N / uint:N: the format builds or is refused with a
 * message; a built one re-parses from its canonical name to the same table,
 * round-trips every code through nb_exmy_encode, and its generated decoder
 * plan reproduces the golden grid for every code (nb_decoder_plan checks
 * that). Then mutated specs: never a crash, always a message on refusal. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "decoder.h"
#include "nibble/num.h"

static void check_built(const char *spec, const nb_format *f)
{
    nb_err err = {{0}};
    nb_format again;
    cr_assert(nb_format_parse(f->name, NULL, &again, &err), "%s: canonical %s refused: %s", spec,
              f->name, err.msg);
    cr_assert_str_eq(again.name, f->name, "%s", spec);
    for (int c = 0; c < f->num_codes; c++)
        cr_assert(again.mant[c] == f->mant[c] && again.used[c] == f->used[c], "%s code %d", spec, c);
    nb_exmy s;
    cr_assert(nb_exmy_parse(spec, &s, &err), "%s", err.msg);
    for (unsigned c = 0; c < (unsigned)f->num_codes; c++) {
        if (!f->used[c])
            continue;
        unsigned back = 999;
        cr_assert(nb_exmy_encode(&s, f->ideal[c], &back, &err), "%s: %s", spec, err.msg);
        cr_assert_eq(back, c, "%s: code %u (%g) encodes to %u", spec, c, f->ideal[c], back);
    }
    nb_decoder d;
    cr_assert(nb_decoder_plan(f, &d, &err), "%s: %s", spec, err.msg);
}

Test(exmy_specs, every_fp_spec)
{
    static const char *const SUB[] = {"ieee", "none"};
    static const char *const SPECIAL[] = {"none", "ieee", "fn", "fnuz"};
    static const char *const SUPER[] = {"", ":super=range", ":super=precision"};
    int built = 0, refused = 0;
    for (int E = 1; E <= 7; E++)
        for (int M = 0; 1 + E + M <= 8; M++)
            for (int B = 0; B < (1 << E); B++)
                for (int sub = 0; sub < 2; sub++)
                    for (int sp = 0; sp < 4; sp++)
                        for (int su = 0; su < 3; su++) {
                            char spec[128];
                            snprintf(spec, sizeof spec, "fp:e%dm%d:bias=%d:sub=%s:special=%s%s", E,
                                     M, B, SUB[sub], SPECIAL[sp], SUPER[su]);
                            nb_format f;
                            nb_err err = {{0}};
                            if (!nb_format_parse(spec, NULL, &f, &err)) {
                                cr_assert(err.msg[0], "%s refused without a message", spec);
                                refused++;
                                continue;
                            }
                            cr_assert(E <= 5, "%s: a grid this wide must be refused", spec);
                            check_built(spec, &f);
                            built++;
                        }
    cr_log_info("fp specs: %d built, %d refused", built, refused);
    cr_assert_gt(built, 4500);
}

Test(exmy_specs, every_int_spec)
{
    static const char *const FORMS[] = {"int:%d", "int:%d:range=full", "uint:%d"};
    for (int N = 2; N <= 8; N++)
        for (int i = 0; i < 3; i++) {
            char spec[32];
            snprintf(spec, sizeof spec, FORMS[i], N);
            nb_format f;
            nb_err err = {{0}};
            cr_assert(nb_format_parse(spec, NULL, &f, &err), "%s: %s", spec, err.msg);
            cr_assert_eq(f.code_bits, N);
            check_built(spec, &f);
        }
}

/* Deterministic mutations of valid specs: replace, delete or insert a byte. */
Test(exmy_specs, mutated_specs)
{
    static const char *const SEEDS[] = {"fp:e4m3:bias=7:special=fn", "fp:e2m1:super=2.5",
                                        "int:4:range=full", "uint:6", "fp:e5m2:sub=none:special=ieee"};
    static const char ALPHABET[] = "fpeimnt:=0123456789.-+ ,xE\x01\xff";
    for (size_t s = 0; s < sizeof SEEDS / sizeof SEEDS[0]; s++) {
        size_t n = strlen(SEEDS[s]);
        for (size_t pos = 0; pos <= n; pos++)
            for (size_t a = 0; a < sizeof ALPHABET - 1; a++)
                for (int op = 0; op < 3; op++) {
                    char spec[64];
                    size_t o = 0;
                    for (size_t i = 0; i <= n; i++) {
                        if (i == pos && op == 2)
                            spec[o++] = ALPHABET[a];
                        if (i == n)
                            break;
                        if (i == pos && op == 1)
                            continue;
                        spec[o++] = (i == pos && op == 0) ? ALPHABET[a] : SEEDS[s][i];
                    }
                    spec[o] = '\0';
                    nb_format f;
                    nb_err err = {{0}};
                    if (nb_format_parse(spec, NULL, &f, &err))
                        check_built(spec, &f);
                    else
                        cr_assert(err.msg[0], "'%s' refused without a message", spec);
                }
    }
}
