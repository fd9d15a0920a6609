/* Outputs a user names on the command line.
 *
 * Directories: every output directory nibble makes carries a marker file,
 * NB_OUTPUT_MARKER, whose first line no other tool writes. nibble replaces or
 * cleans a directory only if it is empty or carries the marker of the same
 * kind; anything else (a symbolic link, a file, a foreign directory, an output
 * of an older nibble that did not mark its outputs) is refused with a message
 * saying how to proceed. A replacement is built in a temporary sibling
 * (DIR.nibble-tmp-XXXXXX, marked and locked while in use) and swapped in with
 * renameat2(RENAME_EXCHANGE), so that a kill at any moment leaves either the
 * complete old or the complete new output at DIR; stale temporaries a kill
 * left are removed by the next run into DIR, and only if they are marked.
 *
 * Files: checked before any work starts (not a symbolic link, device, FIFO,
 * socket or directory; not one of the command's inputs nor inside an input
 * directory; a directory that exists to hold it), and written only once the
 * new content is complete (a temporary in the same directory, then rename). */
#ifndef NIBBLE_OUTPUT_H
#define NIBBLE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"

#define NB_OUTPUT_MARKER ".nibble-output"
/* The marker's first line. */
#define NB_OUTPUT_MARKER_HEAD "nibble-owned-output v1"

typedef enum nb_output_kind {
    NB_OUTPUT_DESIGN, /* nibble gen */
    NB_OUTPUT_REPORT, /* nibble report */
    NB_OUTPUT_SWEEP,  /* nibble sweep */
    NB_OUTPUT_FORMAL, /* nibble formal --work */
    NB_OUTPUT_WAVES,  /* nibble regress --waves */
    NB_OUTPUT_EXPORT, /* nibble export --accelergy */
} nb_output_kind;

const char *nb_output_kind_name(nb_output_kind kind);

/* ---- markers and ownership (output_marker.c, output_owner.c) ------------- */

/* Write the marker of `kind` into the existing directory dir. */
bool nb_output_mark(const char *dir, nb_output_kind kind, nb_err *err);
/* True if dir holds a well-formed marker of `kind`. */
bool nb_output_is_marked(const char *dir, nb_output_kind kind);

typedef enum nb_output_state {
    NB_OUTPUT_ABSENT, /* nothing at the path */
    NB_OUTPUT_EMPTY,  /* an empty directory */
    NB_OUTPUT_OURS,   /* a directory marked with the right kind */
} nb_output_state;

/* May nibble replace or clean dir as an output of `kind`? False, with a
 * message naming the reason and how to proceed, for anything but an absent
 * path, an empty directory or a directory carrying the right marker. */
bool nb_output_dir_check(const char *dir, nb_output_kind kind, nb_output_state *state, nb_err *err);

/* For outputs cleaned in place (a sweep directory): check dir as above, then
 * create it (and its parents) if absent and mark it. */
bool nb_output_dir_claim(const char *dir, nb_output_kind kind, nb_err *err);

/* ---- atomic directory replacement (output_replace.c) --------------------- */

typedef struct nb_output_dir {
    char dir[4096];  /* the output, without trailing slashes */
    char tmp[4200];  /* the temporary sibling the new output is built in */
    nb_output_kind kind;
    int lock_fd;     /* held on tmp while this process uses it */
} nb_output_dir;

/* Check dir (nb_output_dir_check), remove stale marked temporaries a killed
 * run left beside it, create its parents and a marked, locked temporary
 * sibling (o->tmp) to write the new output into. */
bool nb_output_dir_begin(nb_output_dir *o, const char *dir, nb_output_kind kind, nb_err *err);
/* Swap the temporary in at o->dir and remove the previous output. */
bool nb_output_dir_commit(nb_output_dir *o, nb_err *err);
/* Remove the temporary (after a failure or an interruption). */
void nb_output_dir_abort(nb_output_dir *o);

/* Remove a marked tree: everything below it first, its marker last, then the
 * directory itself, so that a kill half way leaves a tree that is still
 * recognisably nibble's. */
void nb_output_remove_marked(const char *dir);

/* Tests only: hook called after every step of begin/commit (removal of each
 * entry of the previous output included), with a running step number. */
void nb_output_set_step_hook(void (*hook)(int step));
void nb_output_step(void);

/* ---- output files (output_file.c, output_write.c) ------------------------ */

/* Before any work: may `path` (given with option `opt`, e.g. "--json") be
 * written? Refuses symbolic links, devices, FIFOs, sockets and directories,
 * a path that is one of `inputs` (same device and inode; a directory among the
 * inputs refuses every path inside it), and a path whose directory does not
 * exist or is not writable. */
bool nb_output_file_check(const char *opt, const char *path, const char *const *inputs,
                          size_t ninputs, nb_err *err);

/* Write path only once data is complete: a temporary in the same directory
 * (.nibble-tmp-XXXXXX-NAME), flushed, then renamed over path. An existing
 * path keeps its content on any failure. Refuses what nb_output_file_check
 * refuses by its type (links, devices, FIFOs, sockets, directories). */
bool nb_output_file_write(const char *path, const char *data, size_t len, nb_err *err);

/* For writers that need a path (a VCD from a simulator): create an empty
 * temporary beside path (tmp, len bytes); nb_output_file_install renames it
 * over path once complete, nb_output_file_discard removes it. */
bool nb_output_file_temp(const char *path, char *tmp, size_t len, nb_err *err);
bool nb_output_file_install(const char *tmp, const char *path, nb_err *err);
void nb_output_file_discard(const char *tmp);

#endif
