/* Produce every file of a generated design in memory, then write them into a
 * marked temporary directory swapped in atomically (sys/ nibble/output.h):
 * only an empty directory or an earlier design is ever replaced. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "emit.h"
#include "manifest_hash.h"
#include "nibble/gen.h"
#include "nibble/output.h"

typedef struct gen_file {
    char name[160];
    vbuf text;
    bool verilog;
} gen_file;

typedef struct gen_output {
    gen_file files[NB_GEN_MAX_FILES];
    int n;
} gen_output;

static vbuf *add_file(gen_output *o, const char *name, bool verilog)
{
    gen_file *f = &o->files[o->n++];
    snprintf(f->name, sizeof f->name, "%s", name);
    vb_init(&f->text);
    f->verilog = verilog;
    return &f->text;
}

static const char *RTL_BLOCKS[] = {"nibble_acc_add.v", "nibble_delay.v", "nibble_valid_delay.v"};

static bool read_block(const char *name, vbuf *out, nb_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/rtl/%s", nb_data_dir(), name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot read the RTL building block %s (%s); set NIBBLE_DATA_DIR to "
                       "nibble's source tree", path, strerror(errno));
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf - 1, f)) > 0) {
        buf[n] = '\0';
        vb_puts(out, buf);
    }
    fclose(f);
    return true;
}

static bool build_output(const nb_design *d, gen_output *o, nb_err *err)
{
    nb_decoder_set *ds = malloc(sizeof *ds);
    if (!ds)
        return nb_fail(err, "out of memory");
    if (!nb_decoder_set_build(d, ds, err)) {
        free(ds);
        return false;
    }
    /* only the blocks the design instantiates: an unused module would be a
     * second top when a tool globs the directory (a 1x1 array without
     * pipeline registers has no skew, hence no nibble_delay) */
    bool uses_delay = d->rows > 1 || d->cols > 1 || d->pipeline > 0;
    for (size_t i = 0; i < sizeof RTL_BLOCKS / sizeof RTL_BLOCKS[0]; i++)
        if ((uses_delay || strcmp(RTL_BLOCKS[i], "nibble_delay.v") != 0) &&
            !read_block(RTL_BLOCKS[i], add_file(o, RTL_BLOCKS[i], true), err)) {
            free(ds);
            return false;
        }
    for (int i = 0; i < ds->n; i++) {
        char name[160];
        snprintf(name, sizeof name, "%s.v", ds->dec[i].module);
        emit_decoder(add_file(o, name, true), d, &ds->dec[i]);
    }
    emit_set_decoder(add_file(o, "nibble_wdec.v", true), d, ds, 'w');
    emit_set_decoder(add_file(o, "nibble_adec.v", true), d, ds, 'a');
    free(ds);
    emit_pe(add_file(o, "nibble_pe.v", true), d);
    emit_array(add_file(o, "nibble_array.v", true), d);
    if (d->overq_encoder)
        emit_overq_encoder(add_file(o, "nibble_overq_encoder.v", true), d);
    if (d->scale_fixed) {
        emit_f32_round(add_file(o, "nibble_f32_round.v", true), d);
        emit_fixed_term(add_file(o, "nibble_fixed_term.v", true), d);
        emit_fixed_sum(add_file(o, "nibble_fixed_sum.v", true), d);
        emit_fixed_f32(add_file(o, "nibble_fixed_f32.v", true), d);
        /* the one-cycle whole only where nibble_top uses it */
        if (d->scale_add_stages == 1)
            emit_fixed_add(add_file(o, "nibble_fixed_add.v", true), d);
    } else if (d->block_scaled) {
        emit_f32_round(add_file(o, "nibble_f32_round.v", true), d);
        emit_f32_add_align(add_file(o, "nibble_f32_add_align.v", true), d);
        emit_f32_add_sum(add_file(o, "nibble_f32_add_sum.v", true), d);
        /* the combinational wholes only where nibble_top uses them (one term
         * cycle, one add cycle); a pipelined top registers between their parts */
        if (d->scale_add_stages == 1)
            emit_f32_add(add_file(o, "nibble_f32_add.v", true), d);
        emit_scale_prod(add_file(o, "nibble_scale_prod.v", true), d);
        if (d->scale_term_stages == 1)
            emit_scale_col(add_file(o, "nibble_scale_col.v", true), d);
    }
    emit_top(add_file(o, "nibble_top.v", true), d);
    emit_ports_header(add_file(o, "nibble_ports.h", false), d);
    /* the synthesis flow's behavioural reference PE (OverQ PEs have no plain
     * twin); reference-only modules live in ref/, so that the design
     * directory's *.v is exactly the design (one top module) */
    if (!d->tag_bits)
        emit_baseline(add_file(o, NB_GEN_REF_DIR "/nibble_pe_baseline.v", false), d);

    const char *names[NB_GEN_MAX_FILES];
    int nv = 0;
    vbuf *list = add_file(o, "files.f", false);
    for (int i = 0; i < o->n; i++)
        if (o->files[i].verilog) {
            names[nv++] = o->files[i].name;
            vb_printf(list, "%s\n", o->files[i].name);
        }
    /* the manifest records the content hash of every other file */
    emit_hashed hashed[NB_GEN_MAX_FILES];
    int nh = 0;
    for (int i = 0; i < o->n; i++) {
        if (o->files[i].text.failed)
            return nb_fail(err, "out of memory generating %s", o->files[i].name);
        hashed[nh].name = o->files[i].name;
        manifest_hash_bytes(o->files[i].text.data ? o->files[i].text.data : "",
                            o->files[i].text.len, hashed[nh++].hex);
    }
    if (!emit_manifest(add_file(o, "manifest.json", false), d, names, nv, hashed, nh, err))
        return false;
    if (o->files[o->n - 1].text.failed)
        return nb_fail(err, "out of memory generating manifest.json");
    return true;
}

static void free_output(gen_output *o)
{
    for (int i = 0; i < o->n; i++)
        vb_free(&o->files[i].text);
}

static bool write_all(const gen_output *o, const char *dir, nb_err *err)
{
    bool made_ref = false;
    for (int i = 0; i < o->n; i++) {
        char path[4096];
        if (!made_ref && strchr(o->files[i].name, '/')) { /* the only subfolder: ref/ */
            snprintf(path, sizeof path, "%s/%s", dir, NB_GEN_REF_DIR);
            if (mkdir(path, 0777) != 0)
                return nb_fail(err, "cannot create %s: %s", path, strerror(errno));
            made_ref = true;
        }
        snprintf(path, sizeof path, "%s/%s", dir, o->files[i].name);
        FILE *f = fopen(path, "wb");
        if (!f)
            return nb_fail(err, "cannot write %s: %s", path, strerror(errno));
        size_t len = o->files[i].text.len;
        bool ok = fwrite(o->files[i].text.data, 1, len, f) == len;
        ok = fclose(f) == 0 && ok;
        if (!ok)
            return nb_fail(err, "cannot write %s: %s", path, strerror(errno));
    }
    return true;
}

bool nb_gen_write(const nb_design *d, const char *out_dir, nb_err *err)
{
    if (!out_dir || !*out_dir)
        return nb_fail(err, "no output directory given; use -o DIR");
    gen_output *o = calloc(1, sizeof *o);
    if (!o)
        return nb_fail(err, "out of memory");
    /* everything is built in memory first: a failure touches no directory */
    nb_output_dir out;
    bool ok = build_output(d, o, err) && nb_output_dir_begin(&out, out_dir, NB_OUTPUT_DESIGN, err);
    if (ok) {
        ok = write_all(o, out.tmp, err) && nb_output_dir_commit(&out, err);
        if (!ok)
            nb_output_dir_abort(&out);
    }
    free_output(o);
    free(o);
    return ok;
}
