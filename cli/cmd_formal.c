/* nibble formal: prove a design's decoders and multiplier against the golden table. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "design_arg.h"
#include "nibble/formal.h"

static const char *CMD = "formal";

static void help(void)
{
    printf("usage: nibble formal --config DIR/manifest.json [--work DIR] [--stage LIST]\n\n"
           "Proves with Yosys's SAT solver, for every (weight format, activation format)\n"
           "pair of the design, that the generated PE (its decoders, multiplier and\n"
           "accumulator, OverQ neighbour path included) adds exactly the golden library's\n"
           "product to any incoming partial sum, for every pair of codes, and that it does\n"
           "so in the right cycle through its pipeline registers. On a block-scaled\n"
           "design it also proves the scale stage's obligations (its rounder against\n"
           "the IEEE definition, the block term, facts of its binary32 addition, its\n"
           "pipeline; flows/README.md, Formal check).\n"
           "Exit status: 0 everything proved, 1 a pair or obligation disproved (its\n"
           "counterexample is printed) or undecided, 2 the check could not run.\n\n"
           "  --config PATH       the design (manifest.json or its directory)\n"
           "  --work DIR          where the check's Verilog, script and log go\n"
           "                      (default: DIR/formal beside the design; must be new,\n"
           "                      empty or an earlier work directory nibble marked)\n"
           "  --stage LIST        block-scaled designs: prove only these scale-stage\n"
           "                      obligations (comma list of round-term, round-add,\n"
           "                      term, add-comm, add-zero, add-cancel, add-special,\n"
           "                      pipeline; default all)\n"
           CLI_ALLOW_EDITED_RTL_HELP
           "  -h, --help          this text\n");
}

int cmd_formal(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"work", required_argument, NULL, 'w'},
        {"stage", required_argument, NULL, 's'},
        {"allow-edited-rtl", no_argument, NULL, 'E'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *config = NULL, *work = NULL, *stage = NULL;
    bool allow_edited = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'w': work = optarg; break;
        case 's': stage = optarg; break;
        case 'E': allow_edited = true; break;
        case 'h': help(); return 0;
        default: return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (!config)
        return cli_fail(CMD, "--config is required: the manifest.json of a design from 'nibble gen'");
    nb_err err;
    char dir[4096], work_dir[4200];
    nb_design *d = cli_load_design(config, allow_edited, dir, sizeof dir, &err);
    if (!d)
        return cli_fail_err(CMD, &err);
    nb_design_free(d);
    snprintf(work_dir, sizeof work_dir, "%s", work ? work : dir);
    if (!work)
        snprintf(work_dir, sizeof work_dir, "%s/formal", dir);
    nb_formal_result *r = malloc(sizeof *r);
    if (!r)
        return cli_fail(CMD, "out of memory");
    if (!nb_formal_check_only(dir, work_dir, stage, r, stdout, &err)) {
        free(r);
        return cli_fail_err(CMD, &err);
    }
    for (int i = 0; i < r->npairs; i++) {
        const nb_formal_pair *p = &r->pairs[i];
        printf("  %-14s x %-10s %s\n", p->weight, p->act, p->proved ? "proved" : "DISPROVED");
        if (!p->proved)
            printf("    counterexample (Yosys model):\n%s", p->counterexample);
    }
    if (r->nstage)
        printf("  scale stage (block-scaled design):\n");
    for (int i = 0; i < r->nstage; i++) {
        const nb_formal_obligation *o = &r->stage[i];
        printf("    %-12s %-10s %6.1f s  %s\n", o->name,
               o->proved ? "proved" : o->timed_out ? "UNDECIDED" : "DISPROVED", o->seconds, o->claim);
        if (!o->proved)
            printf("%s%s", o->timed_out ? "" : "      counterexample (Yosys model):\n",
                   o->counterexample);
    }
    int bad = r->npairs - r->nproved + r->nstage - r->nstage_proved;
    printf("%s: %d of %d pairs proved equal to the golden table", bad ? "formal check FAILED" : "formal check passed",
           r->nproved, r->npairs);
    if (r->nstage)
        printf(", %d of %d scale-stage obligations proved", r->nstage_proved, r->nstage);
    printf(" in %.1f s (files in %s)\n", r->seconds, r->work);
    free(r);
    return bad ? EXIT_CHECK_FAILED : 0;
}
