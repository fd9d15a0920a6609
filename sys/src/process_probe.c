/* Is a tool there, and which version: PATH lookups and `tool --version`
 * probes, run like every other tool (own process group, time limit). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nibble/process.h"
#include "process_internal.h"

bool nb_tool_on_path(const char *tool)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char file[4096];
        /* an empty entry is the working directory */
        int w = snprintf(file, sizeof file, "%.*s%s%s", (int)n, p, n ? "/" : "./", tool);
        struct stat st;
        if (w > 0 && (size_t)w < sizeof file && stat(file, &st) == 0 && S_ISREG(st.st_mode) &&
            access(file, X_OK) == 0)
            return true;
        if (!end)
            return false;
        p = end;
    }
}

/* An anonymous file for a probe's output. */
static int scratch_file(nb_err *err)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    char name[4200];
    snprintf(name, sizeof name, "%s/nibble-probe-XXXXXX", dir);
    fd = mkostemp(name, O_CLOEXEC);
    if (fd < 0)
        return nb_fail(err, "cannot create a scratch file in %s: %s", dir, strerror(errno)), -1;
    unlink(name);
    return fd;
}

typedef struct version_cache {
    char tool[64], version[256];
} version_cache;

bool nb_tool_version(const char *tool, const char *flag, char *buf, size_t len, nb_err *err)
{
    static version_cache cache[8];
    for (int i = 0; i < 8; i++)
        if (strcmp(cache[i].tool, tool) == 0) {
            snprintf(buf, len, "%s", cache[i].version);
            return true;
        }
    double limit;
    if (!nb_tool_timeout(&limit, err))
        return false;
    if (limit == 0 || limit > NB_PROBE_TIMEOUT)
        limit = NB_PROBE_TIMEOUT;
    int fd = scratch_file(err);
    if (fd < 0)
        return false;
    nb_child c;
    memset(&c, 0, sizeof c);
    snprintf(c.tool, sizeof c.tool, "'%s %s'", tool, flag);
    char *argv[] = {(char *)tool, (char *)flag, NULL};
    int status = 0;
    bool ok = nb_child_start_fd(&c, argv, fd, NULL, limit, err) &&
              nb_child_wait_any(&c, 1, err) >= 0 && nb_child_outcome(&c, &status, err);
    char line[256] = "";
    ssize_t n = ok ? pread(fd, line, sizeof line - 1, 0) : 0;
    close(fd);
    if (!ok)
        return false;
    line[n > 0 ? n : 0] = '\0';
    line[strcspn(line, "\n")] = '\0';
    if (status != 0)
        return nb_fail(err, "%s is not usable: '%s %s' failed with exit status %d%s%s; reinstall "
                       "it with 'flows/setup.sh deps'", tool, tool, flag, status,
                       line[0] ? ": " : "", line);
    for (int i = 0; i < 8; i++)
        if (!cache[i].tool[0]) {
            snprintf(cache[i].tool, sizeof cache[i].tool, "%s", tool);
            snprintf(cache[i].version, sizeof cache[i].version, "%s", line);
            break;
        }
    snprintf(buf, len, "%s", line);
    return true;
}
