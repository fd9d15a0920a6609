/* Paths written into Yosys and OpenSTA (Tcl) scripts. Neither has a quoting
 * rule that covers every byte (Yosys splits at blanks and ';', Tcl expands
 * '$', '[' and '\'), so a path with such a character is refused with a
 * message instead of running a script that reads the wrong file or runs a
 * command taken from a directory name. */
#include <ctype.h>
#include <string.h>

#include "synth_internal.h"

bool synth_script_path_ok(const char *what, const char *path, nb_err *err)
{
    for (const unsigned char *c = (const unsigned char *)path; *c; c++)
        if (!isalnum(*c) && !strchr("._-/+,:@%~=", *c))
            return nb_fail(err, "%s '%s' contains '%c' (byte 0x%02x), which Yosys and OpenSTA "
                           "scripts cannot quote; use a path of letters, digits and ._-/+,:@%%~=",
                           what, path, *c >= 0x20 && *c < 0x7f ? *c : '?', *c);
    return true;
}
