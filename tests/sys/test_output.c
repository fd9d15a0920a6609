/* Owned outputs (sys/ nibble/output.h): a replacement killed after any of its
 * steps leaves DIR either entirely old or entirely new, and the next run
 * cleans what the kill left; foreign directories are refused untouched;
 * output files are never replaced through links or over inputs. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nibble/output.h"
#include "test_support.h"

typedef struct file_spec {
    const char *name, *text;
} file_spec;

/* Two versions of an output; they share names, and each has a file of its own. */
static const file_spec OLD[] = {{"a.txt", "old a\n"}, {"sub/b.txt", "old b\n"}, {"old_only", "x\n"}};
static const file_spec NEW[] = {{"a.txt", "new a\n"}, {"sub/b.txt", "new b\n"},
                                {"sub/deeper/c.txt", "new c\n"}, {"new_only", "y\n"}};
#define COUNT(a) (int)(sizeof a / sizeof *a)

static void put(const char *dir, const char *name, const char *text)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    for (char *p = path + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(path, 0777);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* One run of "nibble writes output `files` into dir"; the caller's writes
 * count as steps too, so a kill while filling the temporary is covered. */
static bool produce(const char *dir, const file_spec *files, int n, nb_err *err)
{
    nb_output_dir o;
    if (!nb_output_dir_begin(&o, dir, NB_OUTPUT_REPORT, err))
        return false;
    for (int i = 0; i < n; i++) {
        put(o.tmp, files[i].name, files[i].text);
        nb_output_step();
    }
    return nb_output_dir_commit(&o, err);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 4096);
    size_t n = fread(buf, 1, 4095, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int nfiles;
static int count_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path, (void)st, (void)ftw;
    nfiles += flag == FTW_F || flag == FTW_SL;
    return 0;
}

/* dir holds exactly `files` (and the marker), byte for byte. */
static bool holds_exactly(const char *dir, const file_spec *files, int n)
{
    if (!nb_output_is_marked(dir, NB_OUTPUT_REPORT))
        return false;
    nfiles = 0;
    nftw(dir, count_file, 16, FTW_PHYS);
    if (nfiles != n + 1)
        return false;
    for (int i = 0; i < n; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        char *text = slurp(path);
        bool same = text && strcmp(text, files[i].text) == 0;
        free(text);
        if (!same)
            return false;
    }
    return true;
}

static bool is_empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n == 0;
}

/* Entries of parent other than `keep`. */
static int others_in(const char *parent, const char *keep)
{
    DIR *d = opendir(parent);
    cr_assert(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, keep);
    closedir(d);
    return n;
}

static int kill_at;
static void die_at(int step)
{
    if (step == kill_at)
        _exit(42); /* as abrupt as SIGKILL between two system calls */
}

static void rm_rf(const char *path)
{
    char cmd[4600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    cr_assert_eq(system(cmd), 0);
}

typedef enum { START_OLD, START_EMPTY, START_ABSENT } start_kind;

/* Kill a replacement after step k, for every k until it completes. */
static void kill_every_step(start_kind start)
{
    char base[4096], dir[4200];
    test_tmp_path(base, sizeof base, "replace");
    snprintf(dir, sizeof dir, "%s/out", base);
    nb_err err = {{0}};
    int k, saw_old = 0, saw_new = 0;
    for (k = 1; k < 1000; k++) {
        rm_rf(base);
        cr_assert_eq(mkdir(base, 0777), 0);
        if (start == START_OLD)
            cr_assert(produce(dir, OLD, COUNT(OLD), &err), "%s", err.msg);
        else if (start == START_EMPTY)
            cr_assert_eq(mkdir(dir, 0777), 0);
        fflush(NULL);
        pid_t pid = fork();
        cr_assert(pid >= 0);
        if (pid == 0) {
            kill_at = k;
            nb_output_set_step_hook(die_at);
            _exit(produce(dir, NEW, COUNT(NEW), &err) ? 0 : 1);
        }
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status));
        int code = WEXITSTATUS(status);
        cr_assert(code == 0 || code == 42, "the replacement failed (exit %d) before step %d", code, k);

        bool is_new = holds_exactly(dir, NEW, COUNT(NEW));
        bool is_old = start == START_OLD     ? holds_exactly(dir, OLD, COUNT(OLD))
                      : start == START_EMPTY ? is_empty_dir(dir)
                                             : access(dir, F_OK) != 0 && errno == ENOENT;
        cr_assert(is_new || is_old, "killed after step %d: %s is neither the old nor the new output",
                  k, dir);
        saw_new += is_new;
        saw_old += is_old;
        if (code == 0) {
            cr_assert(is_new);
            cr_assert_eq(others_in(base, "out"), 0, "a completed replacement left temporaries");
            break;
        }
        /* the next run replaces it and removes what the kill left beside it */
        cr_assert(produce(dir, NEW, COUNT(NEW), &err), "after a kill at step %d: %s", k, err.msg);
        cr_assert(holds_exactly(dir, NEW, COUNT(NEW)));
        cr_assert_eq(others_in(base, "out"), 0, "the run after a kill at step %d left temporaries", k);
    }
    cr_assert(k > 6, "only %d steps: the hook is not reached", k);
    cr_assert(saw_old > 0 && saw_new > 0, "old seen %d times, new %d times", saw_old, saw_new);
    rm_rf(base);
}

Test(output_replace, kill_at_every_step_over_old_output) { kill_every_step(START_OLD); }
Test(output_replace, kill_at_every_step_over_empty_dir) { kill_every_step(START_EMPTY); }
Test(output_replace, kill_at_every_step_new_dir) { kill_every_step(START_ABSENT); }

/* A foreign directory keeps every byte, with a message saying what to do. */
static void refused(const char *dir, const char *want)
{
    nb_err err = {{0}};
    nb_output_dir o;
    cr_assert_not(nb_output_dir_begin(&o, dir, NB_OUTPUT_REPORT, &err));
    cr_assert(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg, want);
    cr_assert(strstr(err.msg, "choose another -o"), "message '%s' says no way out", err.msg);
}

Test(output_replace, foreign_directories_are_refused_untouched)
{
    char base[4096], dir[4200];
    test_tmp_path(base, sizeof base, "foreign");
    mkdir(base, 0777);
    snprintf(dir, sizeof dir, "%s/web", base);
    put(dir, "report.json", "{}\n");
    put(dir, "src/app.js", "precious\n");
    refused(dir, "holds report.json but no .nibble-output marker");
    char *text;
    char path[4400];
    snprintf(path, sizeof path, "%s/src/app.js", dir);
    cr_assert_str_eq((text = slurp(path)), "precious\n");
    free(text);

    snprintf(dir, sizeof dir, "%s/other", base);
    put(dir, "notes.txt", "mine\n");
    refused(dir, "not empty and was not made by nibble");

    /* a marker of another kind: a design is not a report */
    snprintf(dir, sizeof dir, "%s/design", base);
    mkdir(dir, 0777);
    nb_err err = {{0}};
    cr_assert(nb_output_mark(dir, NB_OUTPUT_DESIGN, &err));
    refused(dir, "is a nibble design output, not a report");

    /* a file that merely has the marker's name */
    snprintf(dir, sizeof dir, "%s/fake", base);
    put(dir, NB_OUTPUT_MARKER, "not nibble's\n");
    refused(dir, "that nibble did not write");

    snprintf(dir, sizeof dir, "%s/link", base);
    char target[4200];
    snprintf(target, sizeof target, "%s/other", base);
    cr_assert_eq(symlink(target, dir), 0);
    refused(dir, "is a symbolic link");
    snprintf(path, sizeof path, "%s/notes.txt", target);
    cr_assert_str_eq((text = slurp(path)), "mine\n");
    free(text);
    rm_rf(base);
}

Test(output_replace, a_running_replacement_keeps_its_temporary)
{
    char base[4096], dir[4200];
    test_tmp_path(base, sizeof base, "locked");
    mkdir(base, 0777);
    snprintf(dir, sizeof dir, "%s/out", base);
    nb_err err = {{0}};
    nb_output_dir first, second;
    cr_assert(nb_output_dir_begin(&first, dir, NB_OUTPUT_REPORT, &err), "%s", err.msg);
    put(first.tmp, "a.txt", "first\n");
    /* a second run into the same directory must not sweep the first's temporary away */
    cr_assert(nb_output_dir_begin(&second, dir, NB_OUTPUT_REPORT, &err), "%s", err.msg);
    char path[4400];
    snprintf(path, sizeof path, "%s/a.txt", first.tmp);
    cr_assert_eq(access(path, F_OK), 0);
    /* an unmarked, non-empty look-alike of a temporary is never removed */
    char look[4400];
    snprintf(look, sizeof look, "%s/out.nibble-tmp-ABCDEF", base);
    put(look, "keep.txt", "keep\n");
    nb_output_dir_abort(&second);
    cr_assert(nb_output_dir_commit(&first, &err), "%s", err.msg);
    cr_assert(produce(dir, NEW, COUNT(NEW), &err), "%s", err.msg);
    snprintf(path, sizeof path, "%s/keep.txt", look);
    cr_assert_eq(access(path, F_OK), 0, "a foreign look-alike temporary was removed");
    rm_rf(base);
}

/* A run killed while writing the marker leaves a temporary holding only the
 * marker's beginning: the next run removes it; a temporary whose marker is
 * anything else stays. */
Test(output_replace, an_unfinished_marker_is_swept_a_foreign_one_kept)
{
    char base[4096], dir[4200], path[4400];
    test_tmp_path(base, sizeof base, "unfinished");
    mkdir(base, 0777);
    snprintf(dir, sizeof dir, "%s/out", base);
    nb_err err = {{0}};
    cr_assert(produce(dir, OLD, COUNT(OLD), &err), "%s", err.msg);
    snprintf(path, sizeof path, "%s/" NB_OUTPUT_MARKER, dir);
    char *marker = slurp(path);
    cr_assert(marker && strlen(marker) > 30);
    char cut[4400], foreign[4400];
    snprintf(cut, sizeof cut, "%s/out.nibble-tmp-CUTMRK", base);
    snprintf(foreign, sizeof foreign, "%s/out.nibble-tmp-OTHERS", base);
    marker[30] = '\0';
    put(cut, NB_OUTPUT_MARKER, marker);
    put(foreign, NB_OUTPUT_MARKER, "not nibble's\n");
    free(marker);
    cr_assert(produce(dir, NEW, COUNT(NEW), &err), "%s", err.msg);
    cr_assert(access(cut, F_OK) != 0 && errno == ENOENT, "the unfinished temporary was kept");
    snprintf(path, sizeof path, "%s/" NB_OUTPUT_MARKER, foreign);
    cr_assert_eq(access(path, F_OK), 0, "a temporary with a foreign marker was removed");
    rm_rf(base);
}

Test(output_file, never_through_links_nor_over_inputs)
{
    char base[4096], in[4200], out[4200], sym[4200], design[4200], inside[4400];
    test_tmp_path(base, sizeof base, "files");
    mkdir(base, 0777);
    snprintf(in, sizeof in, "%s/input.json", base);
    put(base, "input.json", "input\n");
    nb_err err = {{0}};
    const char *inputs[] = {in};
    cr_assert_not(nb_output_file_check("--json", in, inputs, 1, &err));
    cr_assert(strstr(err.msg, "an input of this command"), "%s", err.msg);
    /* the same file under another name (a hard link) */
    snprintf(out, sizeof out, "%s/hard.json", base);
    cr_assert_eq(link(in, out), 0);
    cr_assert_not(nb_output_file_check("--json", out, inputs, 1, &err));
    /* a symbolic link is refused, and its target keeps its bytes */
    snprintf(sym, sizeof sym, "%s/sym.json", base);
    cr_assert_eq(symlink(in, sym), 0);
    cr_assert_not(nb_output_file_check("--json", sym, NULL, 0, &err));
    cr_assert(strstr(err.msg, "is a symbolic link"), "%s", err.msg);
    cr_assert_not(nb_output_file_write(sym, "new\n", 4, &err));
    char *text = slurp(in);
    cr_assert_str_eq(text, "input\n");
    free(text);
    /* a device */
    cr_assert_not(nb_output_file_check("--csv", "/dev/null", NULL, 0, &err));
    cr_assert(strstr(err.msg, "is a character device"), "%s", err.msg);
    /* anything inside an input directory, however it is spelled */
    snprintf(design, sizeof design, "%s/design", base);
    put(design, "manifest.json", "{}\n");
    snprintf(inside, sizeof inside, "%s/../design/./x.json", design);
    const char *dirs[] = {design};
    cr_assert_not(nb_output_file_check("--trace", inside, dirs, 1, &err));
    cr_assert(strstr(err.msg, "which this command reads"), "%s", err.msg);
    /* a good path: replaced whole, keeping the file's mode */
    snprintf(out, sizeof out, "%s/result.json", base);
    put(base, "result.json", "old\n");
    chmod(out, 0640);
    cr_assert(nb_output_file_check("--json", out, dirs, 1, &err), "%s", err.msg);
    cr_assert(nb_output_file_write(out, "new\n", 4, &err), "%s", err.msg);
    cr_assert_str_eq((text = slurp(out)), "new\n");
    free(text);
    struct stat st;
    cr_assert_eq(stat(out, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0640);
    cr_assert_eq(others_in(base, "zz"), 5, "a temporary was left"); /* the 5 entries made above */
    rm_rf(base);
}
