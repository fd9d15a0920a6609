/* Comments in generated Verilog carry user-chosen text: it must never end the
 * comment early (a newline would turn the rest of a lut: path into Verilog). */
#include <criterion/criterion.h>
#include <string.h>

#include "vbuf.h"

Test(vbuf, comment_keeps_user_text_on_one_line)
{
    vbuf b;
    vb_init(&b);
    vb_comment(&b, "  wire x;  // %s", "lut:a\nmodule evil; endmodule\r\v//");
    cr_assert_str_eq(b.data, "  wire x;  // lut:a?module evil; endmodule?" "?//\n");
    vb_comment(&b, "// %s", "tab\there, del\x7f");
    cr_assert(strstr(b.data, "// tab?here, del?\n"), "%s", b.data);
    cr_assert(!b.failed);
    vb_free(&b);
}
