/* libFuzzer entry for the manifest loader (nb_design_load): any bytes as
 * DIR/manifest.json, where DIR is a generated design (NIBBLE_FUZZ_DESIGN, so
 * a valid manifest's checks of the design's files can pass) or an empty
 * scratch directory. A design that loads is walked field by field. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/design.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char manifest[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("NIBBLE_FUZZ_DESIGN");
    static char scratch[] = "/tmp/nibble-fuzz-manifest-XXXXXX";
    if (!dir || !*dir) {
        dir = mkdtemp(scratch);
        if (!dir) {
            perror("fuzz_manifest: mkdtemp");
            exit(1);
        }
    }
    snprintf(manifest, sizeof manifest, "%s/manifest.json", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(manifest, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(manifest);
        abort(); /* the harness itself failed: not a finding in the loader */
    }
    nb_err err;
    nb_design *d = nb_design_load(manifest, &err);
    if (!d)
        return 0;
    /* touch every format of both sets so ASan sees any bad size or index */
    volatile long sink = d->rows + d->cols + d->acc_bits + d->latency;
    for (int i = 0; i < d->nw; i++)
        for (int c = 0; c < d->w[i].num_codes; c++)
            sink += d->w[i].mant[c];
    for (int i = 0; i < d->na; i++)
        for (int c = 0; c < d->a[i].num_codes; c++)
            sink += d->a[i].mant[c];
    sink += (long)strlen(d->weights_spec) + (long)strlen(d->acts_spec);
    (void)sink;
    nb_design_free(d);
    return 0;
}
