/* Builds the Verilator (plain or SystemC) harness library of a generated
 * design, once: the result is cached under a content hash of everything that
 * goes into it (RTL, harness sources, tool version, flags, linked libraries).
 * Concurrent builders of the same model wait on a lock instead of racing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include "nibble/gen.h"
#include "nibble/sim.h"

extern char **environ;

#ifndef NIBBLE_CACHE_DIR_DEFAULT
#error "NIBBLE_CACHE_DIR_DEFAULT must be defined by the build"
#endif
#ifndef NIBBLE_HOST_LIBS
#error "NIBBLE_HOST_LIBS (the C libraries a SystemC model links) must be defined by the build"
#endif

#define NB_MODEL_FORMAT "nibble-model-3"

const char *nb_cache_dir(void)
{
    const char *env = getenv("NIBBLE_CACHE_DIR");
    return env && *env ? env : NIBBLE_CACHE_DIR_DEFAULT;
}

static bool mkdir_p(const char *path, nb_err *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return nb_fail(err, "cannot create %s: %s", buf, strerror(errno));
            *p = '/';
        }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return nb_fail(err, "cannot create %s: %s", buf, strerror(errno));
    return true;
}

static bool hash_file(XXH3_state_t *st, const char *path, nb_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot read %s: %s", path, strerror(errno));
    char buf[65536];
    size_t n;
    XXH3_128bits_update(st, path, strlen(path) + 1);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        XXH3_128bits_update(st, buf, n);
    fclose(f);
    return true;
}

/* Run argv with the output appended to log_path; returns the exit status. */
static int run_logged(char *const argv[], const char *log_path, const char *cwd)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (cwd)
        posix_spawn_file_actions_addchdir_np(&fa, cwd);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool tool_version(char *buf, size_t len, nb_err *err)
{
    static char cached[256];
    if (!cached[0]) {
        FILE *p = popen("verilator --version 2>/dev/null", "r");
        if (!p || !fgets(cached, sizeof cached, p)) {
            if (p)
                pclose(p);
            cached[0] = '\0';
            return nb_fail(err, "verilator is not installed (not found in PATH); run "
                           "'flows/setup.sh deps' to install it");
        }
        pclose(p);
        cached[strcspn(cached, "\n")] = '\0';
    }
    snprintf(buf, len, "%s", cached);
    return true;
}

/* The last lines of a log, for an error message. */
static void log_tail(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > (long)len - 1 ? size - (long)len + 1 : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

typedef struct build_spec {
    bool systemc;
    const char *tag;
    char files[NB_GEN_MAX_FILES][512];
    int nfiles;
} build_spec;

static bool read_file_list(const char *design_dir, build_spec *b, nb_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/files.f", design_dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return nb_fail(err, "%s is not a generated design (no files.f): run 'nibble gen' first",
                       design_dir);
    char line[512];
    b->nfiles = 0;
    while (fgets(line, sizeof line, f) && b->nfiles < NB_GEN_MAX_FILES) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            snprintf(b->files[b->nfiles++], sizeof b->files[0], "%s", line);
    }
    fclose(f);
    return b->nfiles > 0 || nb_fail(err, "%s lists no Verilog files", path);
}

bool nb_model_build(const char *design_dir_arg, nb_backend_kind kind, bool traced, char *so_path,
                    size_t len, FILE *log, nb_err *err)
{
    /* verilator runs in a scratch directory: everything it sees must be absolute */
    char design_dir[4096];
    if (!realpath(design_dir_arg, design_dir))
        return nb_fail(err, "design directory %s: %s", design_dir_arg, strerror(errno));
    build_spec *b = calloc(1, sizeof *b);
    if (!b)
        return nb_fail(err, "out of memory");
    b->systemc = kind == NB_BACKEND_SC_RTL || kind == NB_BACKEND_SC_CMODEL;
    b->tag = b->systemc ? "sc" : traced ? "vlt" : "vl";
    traced = traced && !b->systemc; /* SystemC traces its boundary signals with sc_trace */
    bool ok = read_file_list(design_dir, b, err);
    char version[256];
    ok = ok && tool_version(version, sizeof version, err);
    const char *opt = getenv("NIBBLE_VERILATOR_OPT");
    if (!opt || !*opt)
        opt = "-O1";
    char harness_dir[4096], sim_dir[4096];
    snprintf(sim_dir, sizeof sim_dir, "%s/sim", nb_data_dir());
    snprintf(harness_dir, sizeof harness_dir, "%s/%s", sim_dir, b->systemc ? "systemc" : "verilator");

    /* ---- content hash ---- */
    XXH3_state_t *st = XXH3_createState();
    XXH3_128bits_reset(st);
    const char *salt[] = {NB_MODEL_FORMAT, b->tag, version, opt};
    for (size_t i = 0; i < sizeof salt / sizeof salt[0]; i++)
        XXH3_128bits_update(st, salt[i], strlen(salt[i]) + 1);
    char path[4096];
    for (int i = 0; ok && i < b->nfiles; i++) {
        snprintf(path, sizeof path, "%s/%s", design_dir, b->files[i]);
        XXH3_128bits_update(st, b->files[i], strlen(b->files[i]) + 1);
        ok = hash_file(st, path, err);
    }
    const char *harness_files[] = {"harness/nb_harness.h", "harness/nb_port_bits.hpp",
                                   "verilator/nb_vl_harness.cpp", "systemc/nb_sc_harness.cpp",
                                   "systemc/nb_sc_types.hpp", "systemc/nb_cmodel_sc.hpp",
                                   "include/nibble/sim.h"};
    for (size_t i = 0; ok && i < sizeof harness_files / sizeof harness_files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", sim_dir, harness_files[i]);
        ok = hash_file(st, path, err);
    }
    snprintf(path, sizeof path, "%s/nibble_ports.h", design_dir);
    ok = ok && hash_file(st, path, err);
    char libs[4096];
    snprintf(libs, sizeof libs, "%s", NIBBLE_HOST_LIBS);
    if (ok && b->systemc)
        for (char *save = NULL, *lib = strtok_r(libs, ":", &save); ok && lib;
             lib = strtok_r(NULL, ":", &save))
            ok = hash_file(st, lib, err);
    XXH128_hash_t h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    if (!ok) {
        free(b);
        return false;
    }

    char dir[4096], lockp[4200];
    snprintf(dir, sizeof dir, "%s/models/%s-%016llx%016llx", nb_cache_dir(), b->tag,
             (unsigned long long)h.high64, (unsigned long long)h.low64);
    snprintf(so_path, len, "%s/model.so", dir);
    if (access(so_path, R_OK) == 0) {
        free(b);
        return true;
    }
    char models[4096];
    snprintf(models, sizeof models, "%s/models", nb_cache_dir());
    if (!mkdir_p(models, err)) {
        free(b);
        return false;
    }
    snprintf(lockp, sizeof lockp, "%s.lock", dir);
    int lock = open(lockp, O_CREAT | O_RDWR, 0644);
    if (lock < 0 || flock(lock, LOCK_EX) != 0) {
        if (lock >= 0)
            close(lock);
        free(b);
        return nb_fail(err, "cannot lock %s: %s", lockp, strerror(errno));
    }
    if (access(so_path, R_OK) == 0) { /* someone else built it while we waited */
        close(lock);
        free(b);
        return true;
    }

    char tmp[4200], obj[4300], tmp_so[4300], logp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        close(lock);
        free(b);
        return nb_fail(err, "cannot create a build directory under %s: %s", models, strerror(errno));
    }
    snprintf(obj, sizeof obj, "%s/obj", tmp);
    snprintf(tmp_so, sizeof tmp_so, "%s/model.so", tmp);
    snprintf(logp, sizeof logp, "%s/build.log", tmp);
    if (log)
        fprintf(log, "[nibble] building %s model of %s (log: %s)\n",
                b->systemc ? "SystemC" : traced ? "traced Verilator" : "Verilator", design_dir, logp);

    char cflags[8192], ldflags[8192], jobs[16];
    snprintf(cflags, sizeof cflags,
             "-fPIC -std=c++17 %s%s -I%s -I%s/harness -I%s/systemc -I%s/include -I%s/gen/include "
             "-I%s/num/include",
             opt, traced ? " -DNB_TRACE" : "", design_dir, sim_dir, sim_dir, sim_dir,
             nb_data_dir(), nb_data_dir());
    snprintf(ldflags, sizeof ldflags, "-shared -Wl,-Bsymbolic");
    if (b->systemc) {
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

    char *argv[NB_GEN_MAX_FILES + 48];
    char file_paths[NB_GEN_MAX_FILES][4608];
    char harness_cpp[4200];
    int a = 0;
    argv[a++] = "verilator";
    argv[a++] = b->systemc ? "--sc" : "--cc";
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
    if (traced)
        argv[a++] = "--trace";
    for (int i = 0; i < b->nfiles; i++) {
        snprintf(file_paths[i], sizeof file_paths[i], "%s/%s", design_dir, b->files[i]);
        argv[a++] = file_paths[i];
    }
    snprintf(harness_cpp, sizeof harness_cpp, "%s/%s", harness_dir,
             b->systemc ? "nb_sc_harness.cpp" : "nb_vl_harness.cpp");
    argv[a++] = harness_cpp;
    argv[a++] = "-CFLAGS";
    argv[a++] = cflags;
    argv[a++] = "-LDFLAGS";
    argv[a++] = ldflags;
    argv[a] = NULL;

    /* ccache makes repeated builds of identical C++ cheap (Verilator honours OBJCACHE) */
    if (!getenv("OBJCACHE") && system("command -v ccache >/dev/null 2>&1") == 0)
        setenv("OBJCACHE", "ccache", 0);
    int rc = run_logged(argv, logp, tmp);
    ok = rc == 0 && access(tmp_so, R_OK) == 0;
    if (!ok) {
        char tail[1500], kept[4300];
        log_tail(logp, tail, sizeof tail);
        snprintf(kept, sizeof kept, "%s.failed.log", dir);
        rename(logp, kept);
        nb_fail(err, "%s build of %s failed (%s; full log: %s):\n%s",
                b->systemc ? "SystemC" : "Verilator", design_dir,
                rc < 0 ? "could not run verilator" : "see the log", kept, tail);
        nb_remove_tree(tmp);
    } else {
        nb_remove_tree(obj); /* keep only the library and its log */
        if (rename(tmp, dir) != 0) {
            ok = nb_fail(err, "cannot move the model into %s: %s", dir, strerror(errno));
            nb_remove_tree(tmp);
        }
    }
    close(lock);
    free(b);
    return ok;
}
