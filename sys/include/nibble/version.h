/* Which nibble made a number: its version and, when it was built from a git
 * checkout, the commit (provenance in synthesis results and reports). */
#ifndef NIBBLE_VERSION_H
#define NIBBLE_VERSION_H

/* NIBBLE_VERSION_STRING, e.g. "0.1.0". */
const char *nb_version(void);
/* `git describe --always --dirty --abbrev=12` of the source tree at build
 * time (e.g. "34d368d1a2b3" or "34d368d1a2b3-dirty"); "" when the tree was not
 * a git checkout. Generated into the build tree on every build. */
const char *nb_build_commit(void);

#endif
