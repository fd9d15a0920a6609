// scale_top_tb.v: the scale stage's interface rules of gen/README.md
// ("Block-scaled designs"), checked on nibble_top of a 4x4 mxfp4 design
// (blocks of 32, E8M0 scales) with hand-computed values, independently of the
// C model. Every weight and activation is E2M1 code 2 (1.0), so each column's
// block sum is 4 products of 1.0: 16 on the grid 2^-2 (4.0).
//   vector A presented in cycle t0, B in t0 + 1;
//   cycle t0+L:   scale A: w_scales 2^n (code 127+n), a_scale 2^1 (128);
//   cycle t0+L+1: A's accumulators facc_i = 1.0 -> out_facc in t0+L+2:
//                 1 + 4*2^n*2 = 1 + 8*2^n; and scale B (column 3 gets the
//                 E8M0 NaN code as its weight scale)
//   cycle t0+L+2: B's accumulators with facc_fwd_i (facc_i holds garbage):
//                 the value on out_facc_o + 8*2^n -> 1 + 16*2^n in t0+L+3,
//                 column 3 0x7FC00000; and scale_en_i without out_valid_o
//   cycle t0+L+4: nothing from that (valid 0, data 0)
// With a pipelined stage (--scale-stages N = DT + DA, gen/README.md "Pipeline
// depth"), B is presented DA cycles after A, so it is scaled exactly DA cycles
// after A (the earliest the scheduling rule allows, forwarding); each block's
// accumulators are due DT cycles after it is scaled and its result appears N
// cycles after; every other cycle shows valid 0 and data 0.
// Prints PASS or FAIL: N mismatches. Define LAT (the manifest's latency), DT
// and DA (default 1 and 1) and, for a deliberately wrong reading of the rules,
// WRONG_SAMPLE (scale inputs one cycle early) to see the testbench fail.
`timescale 1ns / 1ps
`ifndef DT
`define DT 1
`endif
`ifndef DA
`define DA 1
`endif
module scale_top_tb;
  reg          clk = 1'b0;
  reg          rst_n = 1'b0;
  reg          w_load = 1'b0;
  reg  [1:0]   w_row = 2'd0;
  reg  [15:0]  w_codes = 16'h2222;
  reg          act_valid = 1'b0;
  reg  [15:0]  act_codes = 16'h2222;
  reg  [127:0] psum = 128'd0;
  reg          scale_en = 1'b0, facc_fwd = 1'b0;
  reg  [31:0]  w_scales = 32'd0;
  reg  [7:0]   a_scale = 8'd0;
  reg  [127:0] facc = 128'd0;
  wire         out_valid, out_facc_valid;
  wire [127:0] out_psum, out_facc;
  integer      cyc = 0, bad = 0, n;
  integer      t0 = 8;
  integer      s;  // the cycle A is scaled
  localparam integer N = `DT + `DA;
  reg  [31:0]  want [0:3];

  nibble_top dut (
    .clk_i(clk), .rst_ni(rst_n), .w_load_i(w_load), .w_row_i(w_row), .w_codes_i(w_codes),
    .act_valid_i(act_valid), .act_codes_i(act_codes), .psum_i(psum),
    .scale_en_i(scale_en), .facc_fwd_i(facc_fwd), .w_scales_i(w_scales), .a_scale_i(a_scale),
    .facc_i(facc), .out_facc_valid_o(out_facc_valid), .out_facc_o(out_facc),
    .out_valid_o(out_valid), .out_psum_o(out_psum)
  );

  always #5 clk = ~clk;

  task check_facc(input valid, input [31:0] w0, input [31:0] w1, input [31:0] w2,
                  input [31:0] w3);
    begin
      want[0] = w0; want[1] = w1; want[2] = w2; want[3] = w3;
      if (out_facc_valid !== valid) begin
        bad = bad + 1;
        $display("MISMATCH cycle %0d: out_facc_valid_o %b, expected %b", cyc + 1, out_facc_valid,
                 valid);
      end
      for (n = 0; n < 4; n = n + 1)
        if (out_facc[n*32 +: 32] !== want[n]) begin
          bad = bad + 1;
          $display("MISMATCH cycle %0d column %0d: out_facc_o %h, expected %h", cyc + 1, n,
                   out_facc[n*32 +: 32], want[n]);
        end
    end
  endtask

  // At each falling edge: the outputs now showing are those of cycle cyc + 1
  // (the rising edge that ended cycle cyc has passed); then the inputs of
  // cycle cyc + 1 are set, sampled by the rising edge that ends it.
  always @(negedge clk) begin
    // ---- outputs of cycle cyc + 1
    if (cyc + 1 == t0 + `LAT) begin
      if (out_valid !== 1'b1 || out_psum[31:0] !== 32'd16) begin
        bad = bad + 1;
        $display("MISMATCH cycle %0d: block sum %0d valid %b, expected 16 valid 1", cyc + 1,
                 out_psum[31:0], out_valid);
      end
      check_facc(1'b0, 32'd0, 32'd0, 32'd0, 32'd0);
    end
    if (cyc + 1 > t0 + `LAT && cyc + 1 <= t0 + `LAT + `DA + N + 2) begin
      if (cyc + 1 == t0 + `LAT + N)  // 9, 17, 33, 65
        check_facc(1'b1, 32'h41100000, 32'h41880000, 32'h42040000, 32'h42820000);
      else if (cyc + 1 == t0 + `LAT + `DA + N)  // 17, 33, 65, NaN
        check_facc(1'b1, 32'h41880000, 32'h42040000, 32'h42820000, 32'h7FC00000);
      else
        check_facc(1'b0, 32'd0, 32'd0, 32'd0, 32'd0);
    end
    // ---- inputs of cycle cyc + 1
    cyc = cyc + 1;
    rst_n = cyc >= 2;
    w_load = cyc >= 2 && cyc < 6;
    w_row = cyc[1:0] - 2'd2;
    act_valid = cyc == t0 || cyc == t0 + `DA;
    scale_en = 1'b0;
    facc_fwd = 1'b0;
    facc = {4{32'hDEADBEEF}};
    s = t0 + `LAT;
`ifdef WRONG_SAMPLE
    if (cyc + 1 == s) begin
`else
    if (cyc == s) begin
`endif
      scale_en = 1'b1;
      w_scales = {8'd130, 8'd129, 8'd128, 8'd127};
      a_scale = 8'd128;
    end
    if (cyc == s + `DT)  // A's accumulators
      facc = {4{32'h3F800000}};
    if (cyc == s + `DA) begin  // scale B
      scale_en = 1'b1;
      w_scales = {8'hFF, 8'd129, 8'd128, 8'd127};
    end
    if (cyc == s + `DA + `DT)  // B's accumulators: A's result, on out_facc_o now
      facc_fwd = 1'b1;
    if (cyc == s + `DA + 1)  // scale_en_i without a result: ignored
      scale_en = 1'b1;
    if (cyc == s + `DA + N + 3) begin
      if (bad == 0)
        $display("PASS");
      else
        $display("FAIL: %0d mismatches", bad);
      $finish;
    end
  end
endmodule
