/* Builds the Verilator (plain or SystemC) harness library of a generated
 * design, or of its synthesized gate-level netlist, once: the result is cached
 * under a content hash of everything that goes into it (sources, harness,
 * tool version, flags, linked libraries). Concurrent builders of the same
 * model wait on a lock instead of racing. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/gen.h"
#include "nibble/sim.h"
#include "nibble/files.h"
#include "nibble/hash.h"
#include "nibble/process.h"

#ifndef NIBBLE_CACHE_DIR_DEFAULT
#error "NIBBLE_CACHE_DIR_DEFAULT must be defined by the build"
#endif
#ifndef NIBBLE_HOST_LIBS
#error "NIBBLE_HOST_LIBS (the C libraries a SystemC model links) must be defined by the build"
#endif

#define NB_MODEL_FORMAT "nibble-model-4"
#define MAX_SOURCES (NB_GEN_MAX_FILES + 4)

const char *nb_cache_dir(void)
{
    const char *env = getenv("NIBBLE_CACHE_DIR");
    return env && *env ? env : NIBBLE_CACHE_DIR_DEFAULT;
}

/* The runner's message names the build log in the scratch directory, which is
 * about to go: name the kept copy instead. */
static void log_moved(nb_err *err, const char *from, const char *to, const char *what,
                      const char *design_dir)
{
    char msg[NB_ERR_MAX];
    const char *at = strstr(err->msg, from);
    if (at)
        snprintf(msg, sizeof msg, "%.*s%s%s", (int)(at - err->msg), err->msg, to, at + strlen(from));
    else
        snprintf(msg, sizeof msg, "%s", err->msg);
    nb_fail(err, "%s build of %s: %s", what, design_dir, msg);
}

bool nb_model_build_spec(const nb_model_spec *spec, char *so_path, size_t len, FILE *log, nb_err *err)
{
    /* verilator runs in a scratch directory: everything it sees must be absolute */
    char design_dir[4096];
    if (!realpath(spec->design_dir, design_dir))
        return nb_fail(err, "design directory %s: %s", spec->design_dir, strerror(errno));
    char (*src)[4608] = calloc(MAX_SOURCES, sizeof *src);
    if (!src)
        return nb_fail(err, "out of memory");
    int nsrc = 0;
    if (spec->netlist_files) {
        for (int i = 0; i < spec->n_netlist_files && nsrc < MAX_SOURCES; i++)
            if (!realpath(spec->netlist_files[i], src[nsrc++])) {
                free(src);
                return nb_fail(err, "netlist file %s: %s", spec->netlist_files[i], strerror(errno));
            }
    } else {
        nsrc = nb_gen_read_files(design_dir, src, err);
    }
    const char *tag = spec->systemc ? "sc" : spec->coverage ? "glc" : spec->traced ? "vlt" : "vl";
    const char *opt = getenv("NIBBLE_VERILATOR_OPT");
    if (!opt || !*opt)
        opt = "-O1";
    char version[256], sim_dir[4096], harness[4200];
    snprintf(sim_dir, sizeof sim_dir, "%s/sim", nb_data_dir());
    snprintf(harness, sizeof harness, "%s/%s", sim_dir,
             spec->systemc ? "systemc/nb_sc_harness.cpp" : "verilator/nb_vl_harness.cpp");
    bool ok = nsrc > 0 && nb_tool_version("verilator", "--version", version, sizeof version, err);

    /* ---- content hash ---- */
    nb_hash *h = nb_hash_new();
    const char *salt[] = {NB_MODEL_FORMAT, tag, version, opt};
    for (size_t i = 0; i < sizeof salt / sizeof salt[0]; i++)
        nb_hash_str(h, salt[i]);
    for (int i = 0; ok && i < nsrc; i++)
        ok = nb_hash_file(h, src[i], err);
    const char *harness_files[] = {"harness/nb_harness.h", "harness/nb_port_bits.hpp",
                                   "verilator/nb_vl_harness.cpp", "systemc/nb_sc_harness.cpp",
                                   "systemc/nb_sc_types.hpp", "systemc/nb_cmodel_sc.hpp",
                                   "include/nibble/sim.h"};
    char path[4300];
    for (size_t i = 0; ok && i < sizeof harness_files / sizeof harness_files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", sim_dir, harness_files[i]);
        ok = nb_hash_file(h, path, err);
    }
    snprintf(path, sizeof path, "%s/nibble_ports.h", design_dir);
    ok = ok && nb_hash_file(h, path, err);
    char libs[4096];
    snprintf(libs, sizeof libs, "%s", NIBBLE_HOST_LIBS);
    if (ok && spec->systemc)
        for (char *save = NULL, *lib = strtok_r(libs, ":", &save); ok && lib;
             lib = strtok_r(NULL, ":", &save))
            ok = nb_hash_file(h, lib, err);
    char key[33];
    nb_hash_hex(h, key);
    if (!ok) {
        free(src);
        return false;
    }

    char models[4200], dir[4300], lockp[4400];
    snprintf(models, sizeof models, "%s/models", nb_cache_dir());
    snprintf(dir, sizeof dir, "%s/%s-%s", models, tag, key);
    snprintf(so_path, len, "%s/model.so", dir);
    if (access(so_path, R_OK) == 0) {
        free(src);
        return true;
    }
    if (!nb_mkdir_p(models, err)) {
        free(src);
        return false;
    }
    snprintf(lockp, sizeof lockp, "%s.lock", dir);
    int lock = nb_lock(lockp, err);
    if (lock < 0) {
        free(src);
        return false;
    }
    if (access(so_path, R_OK) == 0) { /* someone else built it while we waited */
        nb_unlock(lock);
        free(src);
        return true;
    }

    char tmp[4400], obj[4500], tmp_so[4500], logp[4500];
    snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        nb_unlock(lock);
        free(src);
        return nb_fail(err, "cannot create a build directory under %s: %s", models, strerror(errno));
    }
    snprintf(obj, sizeof obj, "%s/obj", tmp);
    snprintf(tmp_so, sizeof tmp_so, "%s/model.so", tmp);
    snprintf(logp, sizeof logp, "%s/build.log", tmp);
    const char *what = spec->systemc ? "SystemC" : spec->coverage ? "gate-level (toggle coverage) Verilator"
                     : spec->traced  ? "traced Verilator" : "Verilator";
    if (log)
        fprintf(log, "[nibble] building %s model of %s (log: %s)\n", what, design_dir, logp);

    char cflags[8192], ldflags[8192], jobs[16];
    snprintf(cflags, sizeof cflags,
             "-fPIC -std=c++17 %s%s%s -I%s -I%s/harness -I%s/systemc -I%s/include -I%s/gen/include "
             "-I%s/num/include",
             opt, spec->traced && !spec->systemc ? " -DNB_TRACE" : "",
             spec->coverage ? " -DNB_COVERAGE" : "", design_dir, sim_dir, sim_dir, sim_dir,
             nb_data_dir(), nb_data_dir());
    snprintf(ldflags, sizeof ldflags, "-shared -Wl,-Bsymbolic");
    if (spec->systemc) {
        snprintf(libs, sizeof libs, "%s", NIBBLE_HOST_LIBS);
        for (char *save = NULL, *lib = strtok_r(libs, ":", &save); lib;
             lib = strtok_r(NULL, ":", &save)) {
            size_t used = strlen(ldflags);
            snprintf(ldflags + used, sizeof ldflags - used, " %s", lib);
        }
        size_t used = strlen(ldflags);
        snprintf(ldflags + used, sizeof ldflags - used,
                 " -lxxhash -ljansson -lgsl -lgslcblas -lm -lsystemc");
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(jobs, sizeof jobs, "%ld", cpus > 0 ? cpus : 1);

    char *argv[MAX_SOURCES + 48];
    int a = 0;
    argv[a++] = "verilator";
    argv[a++] = spec->systemc ? "--sc" : "--cc";
    argv[a++] = "--exe";
    argv[a++] = "--build";
    argv[a++] = "-j";
    argv[a++] = jobs;
    argv[a++] = "--Mdir";
    argv[a++] = obj;
    argv[a++] = "-o";
    argv[a++] = tmp_so;
    argv[a++] = "--top-module";
    argv[a++] = "nibble_top";
    argv[a++] = "--x-assign";
    argv[a++] = "0";
    argv[a++] = "--x-initial";
    argv[a++] = "0";
    argv[a++] = "-Wno-fatal";
    if (spec->traced && !spec->systemc)
        argv[a++] = "--trace";
    if (spec->coverage) {
        argv[a++] = "--coverage-toggle";
        argv[a++] = "--coverage-underscore";
    }
    for (int i = 0; i < nsrc; i++)
        argv[a++] = src[i];
    argv[a++] = harness;
    argv[a++] = "-CFLAGS";
    argv[a++] = cflags;
    argv[a++] = "-LDFLAGS";
    argv[a++] = ldflags;
    argv[a] = NULL;

    /* ccache makes repeated builds of identical C++ cheap (Verilator honours OBJCACHE) */
    if (!getenv("OBJCACHE") && nb_tool_on_path("ccache"))
        setenv("OBJCACHE", "ccache", 0);
    int rc = 0;
    bool ran = nb_run_tool(argv, logp, tmp, &rc, err);
    ok = ran && rc == 0 && access(tmp_so, R_OK) == 0;
    if (!ok) {
        char tail[1500], kept[4500];
        nb_file_tail(logp, tail, sizeof tail);
        snprintf(kept, sizeof kept, "%s.failed.log", dir);
        rename(logp, kept);
        if (ran)
            nb_fail(err, "%s build of %s failed (exit status %d; full log: %s):\n%s", what,
                    design_dir, rc, kept, tail);
        else /* timed out, interrupted or not started: the log is kept under its new name */
            log_moved(err, logp, kept, what, design_dir);
        nb_remove_tree(tmp);
    } else {
        nb_remove_tree(obj); /* keep only the library and its log */
        if (rename(tmp, dir) != 0) {
            ok = nb_fail(err, "cannot move the model into %s: %s", dir, strerror(errno));
            nb_remove_tree(tmp);
        }
    }
    nb_unlock(lock);
    free(src);
    return ok;
}

bool nb_model_build(const char *design_dir, nb_backend_kind kind, bool traced, char *so_path,
                    size_t len, FILE *log, nb_err *err)
{
    nb_model_spec spec = {.design_dir = design_dir,
                          .systemc = kind == NB_BACKEND_SC_RTL || kind == NB_BACKEND_SC_CMODEL,
                          .traced = traced};
    return nb_model_build_spec(&spec, so_path, len, log, err);
}
