/* Pieces of the sweep shared between its files. */
#ifndef NIBBLE_SWEEP_INTERNAL_H
#define NIBBLE_SWEEP_INTERNAL_H

#include "nibble/sweep.h"

#define SWEEP_MAX_ARGS 24

/* The running nibble executable (jobs re-invoke it). */
const char *sweep_nibble_exe(void);
/* out_dir/sub/<point name><ext> */
void sweep_path(char *buf, size_t len, const nb_sweep_opts *o, const char *sub,
                const nb_sweep_point *p, const char *ext);
/* The argv of a point's job (NULL-terminated; strings live in store). */
int sweep_job_argv(const nb_sweep_point *p, const nb_sweep_opts *o, char store[][4400], char **argv);

/* Remove an earlier sweep's table, plan, job lists, results and logs from out_dir. */
void sweep_clean(const char *out_dir);

#endif
