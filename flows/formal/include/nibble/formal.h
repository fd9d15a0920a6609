/* Formal check of a generated design's arithmetic: for every (weight format,
 * activation format) pair, Yosys's SAT solver proves, for all codes and every
 * incoming partial sum (a proof, not a simulation), that the generated
 * decoders and the generated PE (nibble_pe: decode, multiply, accumulate, with
 * its weight loaded) match a product table computed by the golden library,
 * and that the clocked PE, pipeline stages included, settles on that value;
 * on a block-scaled design also the obligations of its scale stage (rounder
 * against the IEEE RNE definition, block term, facts of the binary32
 * addition, the clocked stage's registers) (see flows/README.md "Formal
 * check"). */
#ifndef NIBBLE_FORMAL_H
#define NIBBLE_FORMAL_H

#include <stdbool.h>
#include <stdio.h>

#include "nibble/error.h"

#define NB_FORMAL_MAX_PAIRS 576

typedef struct nb_formal_pair {
    char weight[64], act[64];
    bool proved;
    char counterexample[512];  /* which proof failed, and Yosys's model */
} nb_formal_pair;

/* One proof obligation of a block-scaled design's scale stage (flows/README.md
 * "Formal check", "The scale stage"). */
#define NB_FORMAL_MAX_STAGE 16
typedef struct nb_formal_obligation {
    char name[32];             /* e.g. "term", "add-comm", "pipeline" */
    char claim[200];           /* what is proved */
    bool proved, timed_out;
    double seconds;
    char counterexample[1536]; /* Yosys's model when disproved */
} nb_formal_obligation;

typedef struct nb_formal_result {
    nb_formal_pair pairs[NB_FORMAL_MAX_PAIRS];
    int npairs, nproved;
    nb_formal_obligation stage[NB_FORMAL_MAX_STAGE]; /* block-scaled designs only */
    int nstage, nstage_proved;
    char work[4096];           /* the check's Verilog, script and log */
    double seconds;
} nb_formal_result;

/* Prove every pair of the design in design_dir, and on a block-scaled design
 * the obligations of its scale stage; work_dir receives the check files
 * (created). False only when the check could not run (err); a disproved pair
 * or obligation is a result (nproved < npairs, nstage_proved < nstage). */
bool nb_formal_check(const char *design_dir, const char *work_dir, nb_formal_result *r, FILE *log,
                     nb_err *err);

/* The same, with only the scale-stage obligations named in the comma list
 * `stage_only` (NULL: all of them; names as nb_formal_stage_names lists; an
 * unknown name, or a list on a design without a scale stage, is an error
 * before anything runs). */
bool nb_formal_check_only(const char *design_dir, const char *work_dir, const char *stage_only,
                          nb_formal_result *r, FILE *log, nb_err *err);

/* The scale-stage obligations' names, comma-separated, in proof order. */
const char *nb_formal_stage_names(void);

#endif
