/* manifest.json and nibble_ports.h: the machine-readable description of a
 * generated design, for simulators, synthesis and users. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "manifest_hash.h"
#include "nibble/format_json.h"
#include "nibble/num.h"

typedef struct port_desc {
    const char *name, *dir;
    int width;
    const char *what;
} port_desc;

static int design_ports(const nb_design *d, port_desc *p)
{
    int n = 0;
    p[n++] = (port_desc){"clk_i", "input", 1, "clock; everything is rising-edge triggered"};
    p[n++] = (port_desc){"rst_ni", "input", 1, "synchronous active-low reset of the valid pipeline"};
    if (d->w_sel_bits)
        p[n++] = (port_desc){"wfmt_sel_i", "input", d->w_sel_bits, "weight format index"};
    if (d->a_sel_bits)
        p[n++] = (port_desc){"afmt_sel_i", "input", d->a_sel_bits, "activation format index"};
    p[n++] = (port_desc){"w_load_i", "input", 1, "write one row of weight codes"};
    p[n++] = (port_desc){"w_row_i", "input", d->row_addr_bits, "row written by w_load_i"};
    p[n++] = (port_desc){"w_codes_i", "input", d->cols * d->w_code_bits,
                         "weight code of column n at [n*w_code_bits +: w_code_bits]"};
    p[n++] = (port_desc){"act_valid_i", "input", 1, "an activation vector is presented"};
    if (d->overq_encoder) {
        p[n++] = (port_desc){"act_values_i", "input", d->rows * d->act_value_bits,
                             "OverQ encoder input of row k at [k*act_value_bits +: act_value_bits]"};
    } else {
        p[n++] = (port_desc){"act_codes_i", "input", d->rows * d->a_code_bits,
                             "activation code of row k at [k*a_code_bits +: a_code_bits]"};
        if (d->tag_bits)
            p[n++] = (port_desc){"act_tags_i", "input", d->rows * d->tag_bits,
                                 "OverQ tag of row k at [k*tag_bits +: tag_bits]"};
    }
    p[n++] = (port_desc){"psum_i", "input", d->cols * d->acc_bits,
                         "initial accumulator of column n at [n*acc_bits +: acc_bits]"};
    p[n++] = (port_desc){"out_valid_o", "output", 1, "out_psum_o holds a result"};
    p[n++] = (port_desc){"out_psum_o", "output", d->cols * d->acc_bits,
                         "accumulator of column n at [n*acc_bits +: acc_bits]; 0 when not valid"};
    if (d->block_scaled) {
        p[n++] = (port_desc){"scale_en_i", "input", 1,
                             "scale the block sum on out_psum_o in this cycle and add it to facc_i"};
        p[n++] = (port_desc){"facc_fwd_i", "input", 1,
                             "take the accumulators from out_facc_o instead of facc_i, sampled in the "
                             "addition's first cycle (gen/README.md)"};
        p[n++] = (port_desc){"w_scales_i", "input", d->cols * d->w_scale_bits,
                             "weight block scale code of column n at [n*w_scale_bits +: w_scale_bits], "
                             "sampled with scale_en_i"};
        p[n++] = (port_desc){"a_scale_i", "input", d->a_scale_bits,
                             "activation block scale code of the vector on out_psum_o, sampled with "
                             "scale_en_i"};
        if (d->scale_fixed) {
            p[n++] = (port_desc){"facc_i", "input", d->cols * d->facc_bits,
                                 "fixed-point accumulator of column n at [n*facc_bits +: facc_bits] "
                                 "(bit facc_bits-1: NaN flag; below it two's complement, LSB 2^lsb_exp), "
                                 "sampled one cycle after scale_en_i"};
            p[n++] = (port_desc){"out_facc_valid_o", "output", 1,
                                 "out_facc_o and out_f32_o hold results (block.scale_latency cycles "
                                 "after scale_en_i with out_valid_o)"};
            p[n++] = (port_desc){"out_facc_o", "output", d->cols * d->facc_bits,
                                 "fixed-point facc + block sum shifted by the scale exponents, wrapped "
                                 "or saturated, of column n at [n*facc_bits +: facc_bits]; 0 when not "
                                 "valid"};
            p[n++] = (port_desc){"out_f32_o", "output", d->cols * 32,
                                 "binary32 RNE(out_facc_o * 2^lsb_exp) of column n at [n*32 +: 32] "
                                 "(0x7FC00000 when the NaN flag is set); 0 when not valid"};
        } else {
            p[n++] = (port_desc){"facc_i", "input", d->cols * 32,
                                 "binary32 accumulator of column n at [n*32 +: 32], sampled in the addition's "
                                 "first cycle: 1 cycle after scale_en_i at scale_latency 2, else 2"};
            p[n++] = (port_desc){"out_facc_valid_o", "output", 1,
                                 "out_facc_o holds accumulators (scale_latency cycles after scale_en_i with "
                                 "out_valid_o)"};
            p[n++] = (port_desc){"out_facc_o", "output", d->cols * 32,
                                 "binary32 facc + RNE(block sum * scales) of column n at [n*32 +: 32]; 0 "
                                 "when not valid"};
        }
    }
    return n;
}

static json_t *format_set_json(const nb_format *set, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *f = nb_format_to_json(&set[i]);
        json_object_set_new(f, "select", json_integer(i));
        json_array_append_new(arr, f);
    }
    return arr;
}

/* The "hashes" section: added last, over the finished document (see
 * manifest_hash.h), so that design_verify can recompute both kinds. */
static bool add_hashes(json_t *doc, const emit_hashed *hashed, int nhashed, nb_err *err)
{
    char config[33];
    if (!manifest_config_hash(doc, config, err))
        return false;
    json_t *jfiles = json_object();
    for (int i = 0; i < nhashed; i++)
        json_object_set_new(jfiles, hashed[i].name, json_string(hashed[i].hex));
    json_t *h = json_pack("{s:s, s:s, s:o}", "algorithm", NB_MANIFEST_HASH_ALGORITHM, "manifest",
                          config, "files", jfiles);
    if (!h || json_object_set_new(doc, NB_MANIFEST_HASHES, h) != 0)
        return nb_fail(err, "out of memory writing the manifest");
    return true;
}

bool emit_manifest(vbuf *b, const nb_design *d, const char *const *files, int nfiles,
                   const emit_hashed *hashed, int nhashed, nb_err *err)
{
    port_desc ports[24];
    int np = design_ports(d, ports);
    json_t *jports = json_array();
    for (int i = 0; i < np; i++)
        json_array_append_new(jports, json_pack("{s:s, s:s, s:i, s:s}", "name", ports[i].name,
                                                "direction", ports[i].dir, "width", ports[i].width,
                                                "description", ports[i].what));
    json_t *jfiles = json_array();
    for (int i = 0; i < nfiles; i++)
        json_array_append_new(jfiles, json_string(files[i]));
    json_t *doc = json_pack(
        "{s:s, s:s, s:s, s:{s:s, s:s, s:i, s:i, s:i, s:s, s:i, s:i}, "
        "s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}, s:i, s:o, s:o, s:o, s:o}",
        "generator", "nibble " NIBBLE_VERSION_STRING, "command", d->command, "top", "nibble_top",
        "config", "weights", d->weights_spec, "acts", d->acts_spec, "rows", d->rows, "cols",
        d->cols, "acc_bits", d->acc_bits, "acc_mode", nb_acc_mode_name(d->acc_mode), "pipeline",
        d->pipeline, "lut_frac_bits", d->params.lut_frac_bits,
        "derived", "w_code_bits", d->w_code_bits, "a_code_bits", d->a_code_bits, "w_grid_frac",
        d->w_grid_frac, "a_grid_frac", d->a_grid_frac, "w_mant_bits", d->w_mant_bits,
        "a_mant_bits", d->a_mant_bits, "prod_bits", d->prod_bits, "w_sel_bits", d->w_sel_bits,
        "a_sel_bits", d->a_sel_bits, "row_addr_bits", d->row_addr_bits,
        "latency", d->latency, "ports", jports, "weight_formats", format_set_json(d->w, d->nw),
        "act_formats", format_set_json(d->a, d->na), "files", jfiles);
    if (!doc)
        return nb_fail(err, "internal: cannot build the manifest JSON");
    if (d->overq_index >= 0)
        json_object_set_new(doc, "overq",
                            json_pack("{s:i, s:s, s:b, s:i, s:i, s:i}", "cascade", d->cascade, "mode",
                                      nb_overq_mode_name(d->overq_mode), "encoder", d->overq_encoder,
                                      "tag_bits", d->tag_bits, "act_value_bits", d->act_value_bits,
                                      "select", d->overq_index));
    if (d->block_scaled) {
        json_t *blk = json_pack("{s:s, s:s, s:i, s:s, s:s, s:i, s:i, s:i, s:s}", "weights",
                                d->wblock.name, "acts", d->ablock.name, "block", d->block, "w_scale",
                                nb_scale_fmt_name(d->wblock.scale), "a_scale",
                                nb_scale_fmt_name(d->ablock.scale), "w_scale_bits", d->w_scale_bits,
                                "a_scale_bits", d->a_scale_bits, "scale_latency", d->scale_latency,
                                "accumulator", d->scale_fixed ? "fixed" : "binary32 rne");
        /* the fixed-point accumulator (gen/README.md, "Fixed-point accumulator") */
        if (blk && d->scale_fixed)
            json_object_set_new(
                blk, "fixed",
                json_pack("{s:s, s:i, s:i, s:s, s:i}", "scale_acc", d->scale_acc_spec, "bits",
                          d->fixed.bits, "lsb_exp", d->fixed.lsb_exp, "mode",
                          d->fixed.mode == NB_ACC_WRAP ? "wrap" : "sat", "facc_bits", d->facc_bits));
        json_object_set_new(doc, "block", blk);
    }
    if (!add_hashes(doc, hashed, nhashed, err)) {
        json_decref(doc);
        return false;
    }
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(doc);
    if (!text)
        return nb_fail(err, "out of memory writing the manifest");
    vb_puts(b, text);
    vb_puts(b, "\n");
    free(text);
    return true;
}

void emit_ports_header(vbuf *b, const nb_design *d)
{
    vb_puts(b, "/* nibble_ports.h: generated by nibble " NIBBLE_VERSION_STRING
               "; do not edit.\n * Port facts of nibble_top for the C/C++ simulation harnesses. */\n");
    vb_puts(b, "#ifndef NIBBLE_PORTS_H\n#define NIBBLE_PORTS_H\n");
    vb_printf(b, "#define NB_ROWS %d\n#define NB_COLS %d\n", d->rows, d->cols);
    vb_printf(b, "#define NB_W_CODE_BITS %d\n#define NB_A_CODE_BITS %d\n", d->w_code_bits,
              d->a_code_bits);
    vb_printf(b, "#define NB_ACC_BITS %d\n", d->acc_bits);
    vb_printf(b, "#define NB_W_SEL_BITS %d /* 0: no wfmt_sel_i port */\n", d->w_sel_bits);
    vb_printf(b, "#define NB_A_SEL_BITS %d /* 0: no afmt_sel_i port */\n", d->a_sel_bits);
    vb_printf(b, "#define NB_ROW_ADDR_BITS %d\n#define NB_LATENCY %d\n", d->row_addr_bits,
              d->latency);
    vb_printf(b, "#define NB_TAG_BITS %d /* 0: no act_tags_i port */\n", d->overq_encoder ? 0 : d->tag_bits);
    vb_printf(b, "#define NB_ACT_VALUE_BITS %d /* 0: act_codes_i, else act_values_i (OverQ encoder) */\n",
              d->overq_encoder ? d->act_value_bits : 0);
    vb_printf(b, "#define NB_BLOCK_SCALED %d /* 1: scale stage ports (scale_en_i ... out_facc_o) */\n",
              d->block_scaled ? 1 : 0);
    vb_printf(b, "#define NB_W_SCALE_BITS %d\n#define NB_A_SCALE_BITS %d\n", d->w_scale_bits,
              d->a_scale_bits);
    vb_printf(b, "#define NB_SCALE_FIXED %d /* 1: fixed-point accumulator, out_f32_o */\n"
                 "#define NB_FACC_BITS %d /* facc_i / out_facc_o bits per column */\n",
              d->scale_fixed ? 1 : 0, d->block_scaled ? d->facc_bits : 32);
    vb_puts(b, "#endif\n");
}
