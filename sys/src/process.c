/* Running external tools: each in its own process, output appended to a log. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nibble/process.h"

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

