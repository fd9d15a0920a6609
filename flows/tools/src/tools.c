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

#include "nibble/tools.h"

extern char **environ;

int nb_run_logged(char *const argv[], const char *log_path, const char *cwd)
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
        return 127;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
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
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", tool, flag);
    char line[256] = "";
    FILE *p = popen(cmd, "r");
    bool ok = p && fgets(line, sizeof line, p);
    int status = p ? pclose(p) : -1;
    if (!ok || status != 0 || strstr(line, "not found"))
        return nb_fail(err, "%s is not installed (not found in PATH, or '%s %s' failed); run "
                       "'flows/setup.sh deps' to install it", tool, tool, flag);
    line[strcspn(line, "\n")] = '\0';
    for (int i = 0; i < 8; i++)
        if (!cache[i].tool[0]) {
            snprintf(cache[i].tool, sizeof cache[i].tool, "%s", tool);
            snprintf(cache[i].version, sizeof cache[i].version, "%s", line);
            break;
        }
    snprintf(buf, len, "%s", line);
    return true;
}

void nb_file_tail(const char *path, char *buf, size_t len)
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

char *nb_read_file(const char *path, size_t *len, nb_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot read %s: %s", path, strerror(errno)), NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        fclose(f);
        return nb_fail(err, "cannot read %s", path), NULL;
    }
    fclose(f);
    buf[size] = '\0';
    if (len)
        *len = (size_t)size;
    return buf;
}

bool nb_write_file(const char *path, const char *data, size_t len, nb_err *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return nb_fail(err, "cannot write %s: %s", path, strerror(errno));
    bool ok = fwrite(data, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return nb_fail(err, "cannot write %s: %s", path, strerror(errno));
    }
    return true;
}

bool nb_mkdir_p(const char *path, nb_err *err)
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

struct nb_hash {
    XXH3_state_t *state;
};

nb_hash *nb_hash_new(void)
{
    nb_hash *h = malloc(sizeof *h);
    if (!h)
        abort();
    h->state = XXH3_createState();
    XXH3_128bits_reset(h->state);
    return h;
}

void nb_hash_str(nb_hash *h, const char *s)
{
    XXH3_128bits_update(h->state, s, strlen(s) + 1);
}

bool nb_hash_file(nb_hash *h, const char *path, nb_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot read %s: %s", path, strerror(errno));
    char buf[65536];
    size_t n;
    /* the name, not the directory: the same design generated elsewhere hits the cache */
    const char *base = strrchr(path, '/');
    nb_hash_str(h, base ? base + 1 : path);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        XXH3_128bits_update(h->state, buf, n);
    fclose(f);
    return true;
}

void nb_hash_hex(nb_hash *h, char out[33])
{
    XXH128_hash_t d = XXH3_128bits_digest(h->state);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)d.high64, (unsigned long long)d.low64);
    XXH3_freeState(h->state);
    free(h);
}

int nb_lock(const char *path, nb_err *err)
{
    int fd = open(path, O_CREAT | O_RDWR, 0644);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        if (fd >= 0)
            close(fd);
        nb_fail(err, "cannot lock %s: %s", path, strerror(errno));
        return -1;
    }
    return fd;
}

void nb_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

bool nb_fill_template(const char *template_path, const char *const *keys, const char *const *values,
                      int n, const char *out_path, nb_err *err)
{
    char *t = nb_read_file(template_path, NULL, err);
    if (!t)
        return false;
    size_t cap = strlen(t) * 2 + 4096, len = 0;
    for (int i = 0; i < n; i++)
        cap += strlen(values[i]) * 4;
    char *out = malloc(cap);
    if (!out) {
        free(t);
        return nb_fail(err, "out of memory");
    }
    bool ok = true;
    for (const char *p = t; *p && ok;) {
        const char *end = *p == '@' ? strchr(p + 1, '@') : NULL;
        if (!end || end - p > 40 || end == p + 1) {
            out[len++] = *p++;
            continue;
        }
        int hit = -1;
        for (int i = 0; i < n; i++)
            if (strlen(keys[i]) == (size_t)(end - p - 1) && strncmp(keys[i], p + 1, (size_t)(end - p - 1)) == 0)
                hit = i;
        if (hit < 0) {
            ok = nb_fail(err, "template %s: no value for %.*s", template_path, (int)(end - p + 1), p);
            break;
        }
        size_t vl = strlen(values[hit]);
        if (len + vl + 1 >= cap) {
            ok = nb_fail(err, "template %s: expansion too large", template_path);
            break;
        }
        memcpy(out + len, values[hit], vl);
        len += vl;
        p = end + 1;
    }
    out[len] = '\0';
    ok = ok && nb_write_file(out_path, out, len, err);
    free(out);
    free(t);
    return ok;
}
