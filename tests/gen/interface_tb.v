// interface_tb.v: nibble_top checked against the interface rules of
// gen/README.md ("Interface and timing of nibble_top"), written from the
// document, not from the RTL.
//
// A reference model that knows only the documented rules (PE(k, n) sees a
// vector presented in cycle t in cycle T = t + 1 + k + n; it decodes the
// activation with the afmt_sel_i presented in cycle T - 1 and reads its weight
// (and with OverQ the weight above) in cycle T + w with the wfmt_sel_i
// presented in cycle T - 1 + w, w = 1 with --pipeline 2; a load presented in
// cycle l is visible from l + 2 and dropped while rst_ni is low; rst_ni low
// in cycle s kills the vectors presented in cycles s - L + 1 .. s; the OverQ
// tag values) predicts every output of every cycle under random stimulus.
// Directed scenarios then check the reset kill window, loads under reset, and
// the closed-form earliest reload, restart and format-switch times, and that
// one cycle earlier is wrong.
//
// Defines (from run_interface_tb.sh, read off manifest.json): ROWS, COLS,
// PIPE, ACC, RAB (row address bits), LAT (latency from the manifest), OVERQ
// (1: acts overq,int4 with TAGW tag bits, OVERQ_PREC for range+precision;
// 0: acts int4,uint4), AFRAC (a_grid_frac). Weights are int4,uint4,int4-full
// (select 3 decodes to 0).
// WRONG_* defines each break one documented rule in the model (the select
// of cycle T instead of T - 1, loads under reset kept, no weight stage with
// --pipeline 2, MOVED and LOW swapped); the test requires those runs to fail.
`timescale 1ns/1ps
module interface_tb;
  localparam integer R = `ROWS, C = `COLS, P = `PIPE, W = `ACC, RAB = `RAB;
`ifdef WRONG_WSTAGE
  localparam integer WS = 0;
`else
  localparam integer WS = P >= 2 ? 1 : 0;
`endif
  localparam integer L = R + C + P + 1;       // gen/README.md
  localparam integer OQ = `OVERQ;
  localparam integer Q = OQ;                  // reload one cycle later with OverQ tags
  localparam integer AF = `AFRAC;             // activation grid fraction bits
  localparam integer TW = OQ ? `TAGW : 1;
`ifdef OVERQ_PREC
  localparam integer PREC = 1;
`else
  localparam integer PREC = 0;
`endif
  localparam [1:0] READS_ABOVE = TW == 1 ? 2'd1 : 2'd2;  // HIGH or MOVED: uses the row above
  localparam integer NCYC = 6000;
`ifdef WRONG_SEL_TIMING
  localparam integer SEL_LAG = 0;
`else
  localparam integer SEL_LAG = 1;
`endif

  reg clk = 0;
  reg rst_n = 0;
  reg [1:0] wsel = 0;
  reg asel = 0;
  reg w_load = 0;
  reg [RAB-1:0] w_row = 0;
  reg [C*4-1:0] w_codes = 0;
  reg act_valid = 0;
  reg [R*4-1:0] act_codes = 0;
  reg [R*TW-1:0] act_tags = 0;  // width 1 without OverQ (unused)
  reg [C*W-1:0] psum = 0;
  wire out_valid;
  wire [C*W-1:0] out_psum;

  nibble_top dut (
    .clk_i(clk), .rst_ni(rst_n), .wfmt_sel_i(wsel), .afmt_sel_i(asel),
    .w_load_i(w_load), .w_row_i(w_row), .w_codes_i(w_codes),
    .act_valid_i(act_valid), .act_codes_i(act_codes),
`ifdef OVERQ_TAGS
    .act_tags_i(act_tags),
`endif
    .psum_i(psum), .out_valid_o(out_valid), .out_psum_o(out_psum));

  // ---- what was presented in every cycle
  reg            rst_h   [0:NCYC];
  reg [1:0]      wsel_h  [0:NCYC];
  reg            asel_h  [0:NCYC];
  reg            load_h  [0:NCYC];
  reg [RAB-1:0]  row_h   [0:NCYC];
  reg [C*4-1:0]  wcode_h [0:NCYC];
  reg            valid_h [0:NCYC];
  reg [R*4-1:0]  acode_h [0:NCYC];
  reg [R*TW-1:0] tag_h   [0:NCYC];
  reg [C*W-1:0]  psum_h  [0:NCYC];

  integer cyc, errors, checked, i, k, n;

  // ---- decoders (weights on grid 2^0, activations on 2^-AF)
  function signed [63:0] wdec(input [1:0] sel, input [3:0] code);
    case (sel)
      2'd0, 2'd2: wdec = {{60{code[3]}}, code};   // int4, int4-full
      2'd1:       wdec = {60'd0, code};           // uint4
      default:    wdec = 0;                       // past the list
    endcase
  endfunction
  function signed [63:0] adec(input sel, input [3:0] code);
    reg signed [63:0] v;
    begin
      if (OQ) v = sel == 1'b0 ? {60'd0, code} : {{60{code[3]}}, code};  // overq, int4
      else    v = sel == 1'b0 ? {{60{code[3]}}, code} : {60'd0, code};  // int4, uint4
      adec = v <<< AF;
    end
  endfunction

  // weight code of PE(k, n) in cycle x: the last load of row k presented in a
  // cycle l <= x - 2 while rst_ni was high
  function [3:0] wcode_at(input integer kk, input integer nn, input integer x);
    integer l;
    reg found;
    begin
      found = 0;
      wcode_at = 4'bx;
      for (l = x - 2; l >= 0 && !found; l = l - 1)
`ifdef WRONG_LOAD_RESET
        if (load_h[l] && row_h[l] == kk) begin
`else
        if (load_h[l] && rst_h[l] && row_h[l] == kk) begin
`endif
          wcode_at = wcode_h[l][nn*4 +: 4];
          found = 1;
        end
    end
  endfunction

  // the documented result of the vector presented in cycle t, column nn
  function [W-1:0] model_psum(input integer t, input integer nn);
    integer kk, T;
    reg [W-1:0] acc;
    reg [1:0] tag, ws;
    reg as;
    reg signed [63:0] wm, p;
    begin
      acc = psum_h[t][nn*W +: W];
      for (kk = 0; kk < R; kk = kk + 1) begin
        T = t + 1 + kk + nn;
        as = asel_h[T - SEL_LAG];
        ws = wsel_h[T - SEL_LAG + WS];
        tag = (OQ && as == 1'b0) ? tag_h[t][kk*TW +: TW] : 2'd0;  // tags count for overq only
        if (tag == 2'd3 && !PREC) tag = 2'd2;                     // range mode: 3 acts as MOVED
`ifdef WRONG_TAGS
        if (tag[1]) tag[0] = ~tag[0];
`endif
        if (tag == 2'd0) wm = wdec(ws, wcode_at(kk, nn, T + WS));
        else if (kk == 0) wm = 0;                                 // no PE above row 0
        else wm = wdec(ws, wcode_at(kk - 1, nn, T + WS));
        p = wm * adec(as, acode_h[t][kk*4 +: 4]);
        case (tag)
          2'd1: p = p * 16;       // HIGH
          2'd3: p = p >>> 4;      // LOW
          default: ;              // NORMAL, MOVED
        endcase
        acc = acc + p[W-1:0];
      end
      model_psum = acc;
    end
  endfunction

  // the documented output of cycle c: the vector presented in c - L, unless a
  // reset in cycles c - L .. c - 1 killed it
  task check_outputs(input integer c);
    integer t, s, nn;
    reg ev;
    reg [C*W-1:0] ep;
    begin
      t = c - L;
      ev = t >= 0 && valid_h[t];
      for (s = t; s < c && ev; s = s + 1)
        if (!rst_h[s]) ev = 0;
      ep = 0;
      if (ev)
        for (nn = 0; nn < C; nn = nn + 1) ep[nn*W +: W] = model_psum(t, nn);
      if (out_valid !== ev || out_psum !== ep) begin
        errors = errors + 1;
        if (errors <= 5)
          $display("MISMATCH cycle %0d: out_valid %b psum %h, documented %b %h", c, out_valid,
                   out_psum, ev, ep);
      end
      checked = checked + 1;
    end
  endtask

  task record(input integer c);
    begin
      rst_h[c] = rst_n; wsel_h[c] = wsel; asel_h[c] = asel; load_h[c] = w_load; row_h[c] = w_row;
      wcode_h[c] = w_codes; valid_h[c] = act_valid; acode_h[c] = act_codes; tag_h[c] = act_tags;
      psum_h[c] = psum;
    end
  endtask

  // one clock cycle: the outputs of cycle cyc are checked, the inputs set
  // for cycle cyc are recorded, then the edge that ends cycle cyc
  task tick;
    begin
      if (cyc >= 2) check_outputs(cyc);
      record(cyc);
      #4 clk = 1;
      #6 clk = 0;
      cyc = cyc + 1;
      if (cyc >= NCYC) begin
        $display("FAIL: the test needs more than %0d cycles", NCYC);
        $finish;
      end
    end
  endtask

  task idle;
    begin
      w_load = 0; act_valid = 0;
    end
  endtask

  // ---- directed scenarios: two weight sets, static expectations
  reg [3:0] wset [0:2][0:15][0:15];   // [set][k][n]; set 2: codes with bit 3 set
  reg [0:0] rowset [0:15];            // which set row k is expected to hold
  integer bad_old, bad_new;
  integer vec_t [0:63];               // presentation cycle of each directed vector
  integer vec_set [0:63];             // weight set the vector should see

  // the result with fixed weights (set, or rowset per row) and fixed formats
  function [W-1:0] static_psum(input integer t, input integer nn, input integer set, input integer useset);
    static_psum = static_fmt(t, nn, set, useset, 2'd0, 1'b0);
  endfunction
  function [W-1:0] static_fmt(input integer t, input integer nn, input integer set, input integer useset,
                              input [1:0] ws, input as);
    integer kk;
    reg [W-1:0] acc;
    reg [1:0] tag;
    reg signed [63:0] wm, p;
    begin
      acc = psum_h[t][nn*W +: W];
      for (kk = 0; kk < R; kk = kk + 1) begin
        tag = (OQ && as == 1'b0) ? tag_h[t][kk*TW +: TW] : 2'd0;
        if (tag == 2'd3 && !PREC) tag = 2'd2;
        if (tag == 2'd0) wm = wdec(ws, wset[useset ? set : rowset[kk]][kk][nn]);
        else if (kk == 0) wm = 0;
        else wm = wdec(ws, wset[useset ? set : rowset[kk-1]][kk-1][nn]);
        p = wm * adec(as, acode_h[t][kk*4 +: 4]);
        if (tag == 2'd1) p = p * 16;
        else if (tag == 2'd3) p = p >>> 4;
        acc = acc + p[W-1:0];
      end
      static_fmt = acc;
    end
  endfunction

  task load_row(input integer k, input integer set);
    begin
      w_load = 1; w_row = k;
      for (n = 0; n < C; n = n + 1) w_codes[n*4 +: 4] = wset[set][k][n];
    end
  endtask

  // a vector of non-zero activations; with OverQ row 1 is tagged (it reads row 0)
  task present_vector(input integer idx, input integer set);
    begin
      act_valid = 1;
      for (k = 0; k < R; k = k + 1) begin
        act_codes[k*4 +: 4] = OQ ? 1 + ({$random} % 15) : 1 + ({$random} % 7);
        act_tags[k*TW +: TW] = (OQ && k == 1) ? READS_ABOVE : 2'd0;
      end
      for (n = 0; n < C; n = n + 1) psum[n*W +: W] = {$random};
      vec_t[idx] = cyc;
      vec_set[idx] = set;
    end
  endtask

  // Stream NV vectors with set 0, reload every row with set 1 starting
  // load_delay cycles after the last one (row k in cycle + k), restart
  // restart_delay cycles after the first load; count vectors whose result is
  // not the all-old / all-new one.
  localparam integer NV = 4;
  task reload_scenario(input integer load_delay, input integer restart_delay);
    integer t_last, l0, v, c, nv_total, tv, nn;
    begin
      idle; wsel = 0; asel = 0;
      repeat (L + 2) tick;
      for (k = 0; k < R; k = k + 1) begin load_row(k, 0); tick; end
      idle; tick; tick;
      // one loop: the old vectors, the loads (which may overlap them) and the new vectors
      t_last = cyc + NV - 1;
      l0 = t_last + load_delay;
      nv_total = 0;
      for (c = cyc; c <= t_last || nv_total < NV || c < l0 + R; c = c + 1) begin
        idle;
        if (c <= t_last) present_vector(c - (t_last - NV + 1), 0);
        if (c >= l0 && c < l0 + R) load_row(c - l0, 1);
        if (c > t_last && c >= l0 + restart_delay && nv_total < NV) begin
          present_vector(NV + nv_total, 1);
          nv_total = nv_total + 1;
        end
        tick;
      end
      idle;
      repeat (L + 2) tick;
      bad_old = 0; bad_new = 0;
      for (v = 0; v < 2 * NV; v = v + 1) begin
        tv = vec_t[v];
        for (nn = 0; nn < C; nn = nn + 1)
          if (model_out[tv][nn*W +: W] !== static_psum(tv, nn, vec_set[v], 1)) begin
            if (v < NV) bad_old = bad_old + 1;
            else bad_new = bad_new + 1;
          end
      end
    end
  endtask

  // what the DUT produced for the vector presented in cycle t
  reg [C*W-1:0] model_out [0:NCYC];
  always @(posedge clk)
    if (cyc >= L && out_valid) model_out[cyc - L] <= out_psum;

  task expect_reload(input integer load_delay, input integer restart_delay, input integer want_old,
                     input integer want_new, input [8*48-1:0] what);
    begin
      reload_scenario(load_delay, restart_delay);
      if ((want_old ? bad_old == 0 : bad_old != 0) && (want_new ? bad_new == 0 : bad_new != 0))
        $display("ok: %0s (old vectors wrong %0d, new wrong %0d)", what, bad_old, bad_new);
      else begin
        errors = errors + 1;
        $display("MISMATCH: %0s: old vectors wrong %0d (want %0s), new wrong %0d (want %0s)", what,
                 bad_old, want_old ? "none" : "some", bad_new, want_new ? "none" : "some");
      end
    end
  endtask

  // Stream NV vectors with format 0, switch the activation (which = 0) or
  // weight (which = 1) select to 1 switch_delay cycles after the last one and
  // present NV more from first_delay cycles after the switch; count vectors
  // whose result is not the all-old-format / all-new-format one. Codes have
  // bit 3 set, so the formats of each pair decode every code differently.
  task switch_scenario(input integer which, input integer switch_delay, input integer first_delay);
    integer t_last, sw, first, c, nv_total, tv, nn, v;
    begin
      idle; wsel = 0; asel = 0;
      repeat (L + 2) tick;
      for (k = 0; k < R; k = k + 1) begin load_row(k, 2); tick; end
      idle; tick; tick;
      t_last = cyc + NV - 1;
      sw = t_last + switch_delay;
      first = sw + first_delay;
      nv_total = 0;
      for (c = cyc; c <= t_last || nv_total < NV; c = c + 1) begin
        idle;
        if (c >= sw) begin
          if (which) wsel = 1;
          else asel = 1;
        end
        if (c <= t_last) present_vector(c - (t_last - NV + 1), 0);
        if (c > t_last && c >= first && nv_total < NV) begin
          present_vector(NV + nv_total, 1);
          nv_total = nv_total + 1;
        end
        for (k = 0; k < R; k = k + 1) act_codes[k*4 +: 4] = act_codes[k*4 +: 4] | 4'd8;
        tick;
      end
      idle;                       // the new select stays until the vectors have left
      repeat (L + 2) tick;
      bad_old = 0; bad_new = 0;
      for (v = 0; v < 2 * NV; v = v + 1) begin
        tv = vec_t[v];
        for (nn = 0; nn < C; nn = nn + 1)
          if (model_out[tv][nn*W +: W] !== static_fmt(tv, nn, 2, 1, which && v >= NV ? 2'd1 : 2'd0,
                                                        !which && v >= NV)) begin
            if (v < NV) bad_old = bad_old + 1;
            else bad_new = bad_new + 1;
          end
      end
    end
  endtask

  task expect_switch(input integer which, input integer switch_delay, input integer first_delay,
                     input integer want_old, input integer want_new, input [8*56-1:0] what);
    begin
      switch_scenario(which, switch_delay, first_delay);
      if ((want_old ? bad_old == 0 : bad_old != 0) && (want_new ? bad_new == 0 : bad_new != 0))
        $display("ok: %0s (old vectors wrong %0d, new wrong %0d)", what, bad_old, bad_new);
      else begin
        errors = errors + 1;
        $display("MISMATCH: %0s: old vectors wrong %0d (want %0s), new wrong %0d (want %0s)", what,
                 bad_old, want_old ? "none" : "some", bad_new, want_new ? "none" : "some");
      end
    end
  endtask

  integer s, kills, seed, tv, v;
  initial begin
    errors = 0; checked = 0; cyc = 0;
    if (`LAT != L) begin
      errors = errors + 1;
      $display("MISMATCH: manifest latency %0d, gen/README.md says R + C + P + 1 = %0d", `LAT, L);
    end
    seed = 12345;
    for (i = 0; i < 16; i = i + 1)
      for (k = 0; k < 16; k = k + 1) begin
        wset[0][i][k] = $random(seed);
        wset[1][i][k] = wset[0][i][k] + 4'd1 + ({$random(seed)} % 14);  // differs from set 0
        wset[2][i][k] = wset[0][i][k] | 4'd8;
      end
    // two cycles of reset, then load every row
    rst_n = 0; tick; tick;
    rst_n = 1;
    for (k = 0; k < R; k = k + 1) begin load_row(k, 0); tick; end
    idle;

    // ---- random stimulus, every output against the documented model
    for (i = 0; i < 3000; i = i + 1) begin
      rst_n = ({$random(seed)} % 50) != 0;
      if ({$random(seed)} % 20 == 0) wsel = $random(seed);
      if ({$random(seed)} % 20 == 0) asel = $random(seed);
      w_load = ({$random(seed)} % 3) == 0;
      w_row = $random(seed);                    // also rows past the array
      w_codes = $random(seed);
      act_valid = ({$random(seed)} % 4) != 0;
      for (k = 0; k < R; k = k + 1) act_codes[k*4 +: 4] = $random(seed);
      act_tags = $random(seed);
      for (n = 0; n < C; n = n + 1) psum[n*W +: W] = $random(seed);
      tick;
    end
    rst_n = 1; idle; wsel = 0; asel = 0;
    repeat (L + 2) tick;
    $display("random stimulus: %0d cycles checked against the documented model, %0d mismatches",
             checked, errors);

    // ---- a reset in cycle s kills exactly the vectors presented in s-L+1 .. s
    for (k = 0; k < R; k = k + 1) begin load_row(k, 0); tick; end
    idle;
    s = cyc + L + 3;
    while (cyc < s + 3) begin
      act_valid = 1; rst_n = cyc != s;
      tick;
    end
    idle; rst_n = 1;
    repeat (L + 2) tick;
    // (outputs were checked by the model every cycle; here the window itself)
    kills = 0;
    for (tv = s - L - 2; tv <= s + 2; tv = tv + 1) begin
      if (tv >= s - L + 1 && tv <= s && model_out_valid[tv + L]) kills = kills + 1;
    end
    if (kills != 0 || !model_out_valid[s] || !model_out_valid[s + 1 + L]) begin
      errors = errors + 1;
      $display("MISMATCH: reset in cycle %0d: outputs in the kill window %0d, last before %b, first after %b",
               s, kills, model_out_valid[s], model_out_valid[s + 1 + L]);
    end else
      $display("ok: reset in cycle s kills the vectors of cycles s-L+1 .. s, keeps s-L and s+1");

    // ---- a load presented while rst_ni is low is dropped; one the cycle before is not
    for (k = 0; k < R; k = k + 1) begin load_row(k, 0); rowset[k] = 0; tick; end
    idle;
    if (R >= 2) begin
      load_row(1, 1); tick;          // completes although reset follows
      rowset[1] = 1;
    end
    load_row(0, 1); rst_n = 0; tick; // dropped
    idle; rst_n = 1; tick; tick;
    present_vector(0, 0); tv = cyc; tick;
    idle;
    repeat (L + 2) tick;
    v = 0;
    for (n = 0; n < C; n = n + 1)
      if (model_out[tv][n*W +: W] !== static_psum(tv, n, 0, 0)) v = v + 1;
    if (v) begin
      errors = errors + 1;
      $display("MISMATCH: load under reset: %0d columns differ from row 0 old%0s", v,
               R >= 2 ? ", row 1 new" : "");
    end else
      $display("ok: a load presented while rst_ni is low is dropped, one presented the cycle before completes");

    // ---- earliest reload and restart: l_k = t_last + C - 1 + w + q + k, restart at l_0 + 1 - w
    expect_reload(C - 1 + WS + Q, 1 - WS, 1, 1, "earliest reload and restart");
    expect_reload(C - 1 + WS + Q, 1 - WS + 3, 1, 1, "later restart");
    expect_reload(C - 2 + WS + Q, 1 - WS + 1, 0, 1, "reload one cycle early corrupts old vectors");
    expect_reload(C - 1 + WS + Q, 0 - WS, 1, 0, "restart one cycle early sees old weights");

    // ---- format switch: afmt from t_last + R + C - 1, wfmt from t_last + R + C - 1 + w
    expect_switch(0, R + C - 1, 0, 1, 1, "earliest afmt switch, first vector with it");
    expect_switch(0, R + C - 2, 1, 0, 1, "afmt switch one cycle early hits an old vector");
    expect_switch(0, R + C - 1, -1, 1, 0, "vector one cycle before the afmt switch");
    expect_switch(1, R + C - 1 + WS, -WS, 1, 1, "earliest wfmt switch, first vector w before it");
    expect_switch(1, R + C - 2 + WS, 1 - WS, 0, 1, "wfmt switch one cycle early hits an old vector");
    expect_switch(1, R + C - 1 + WS, -WS - 1, 1, 0, "vector one cycle before that");

    if (errors == 0)
      $display("PASS: %0d cycles match gen/README.md", checked);
    else
      $display("FAIL: %0d mismatches", errors);
    $finish;
  end

  reg model_out_valid [0:NCYC];
  always @(posedge clk) model_out_valid[cyc] <= out_valid;
endmodule
