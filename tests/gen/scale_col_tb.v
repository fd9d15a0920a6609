// scale_col_tb.v: drives the scale stage of one column of a block-scaled
// design, nibble_scale_col (the block term) into nibble_f32_add (the
// accumulation), with the vectors of scale_vectors.c, each line
// "psum wscale ascale facc expected" in hex, expected from the golden
// library (nb_block_term, then nb_f32_add). Prints PASS, or FAIL: N mismatches.
// Defines: ACC (accumulator bits), WSB / ASB (scale code bits), VECTORS (file).
`timescale 1ns / 1ps
module scale_col_tb;
  reg  [`ACC-1:0] psum;
  reg  [`WSB-1:0] wscale;
  reg  [`ASB-1:0] ascale;
  reg  [31:0]     facc, want;
  wire [31:0]     term, got;
  reg  [63:0]     p64;
  reg  [31:0]     w32, a32;
  integer fd, n, count, bad;
  nibble_scale_col dut (.psum_i(psum), .w_scale_i(wscale), .a_scale_i(ascale), .term_o(term));
  nibble_f32_add   add (.a_i(facc), .b_i(term), .sum_o(got));
  initial begin
    fd = $fopen(`VECTORS, "r");
    if (fd == 0) begin
      $display("FAIL: 0 mismatches (cannot open %s)", `VECTORS);
      $finish;
    end
    count = 0;
    bad = 0;
    n = $fscanf(fd, "%h %h %h %h %h\n", p64, w32, a32, facc, want);
    while (n == 5) begin
      psum = p64[`ACC-1:0];
      wscale = w32[`WSB-1:0];
      ascale = a32[`ASB-1:0];
      #1;
      if (got !== want) begin
        bad = bad + 1;
        if (bad <= 10)
          $display("MISMATCH psum %h wscale %h ascale %h facc %h: got %h, golden %h", psum,
                   wscale, ascale, facc, got, want);
      end
      count = count + 1;
      n = $fscanf(fd, "%h %h %h %h %h\n", p64, w32, a32, facc, want);
    end
    if (count == 0)
      $display("FAIL: 0 mismatches (no vectors read)");
    else if (bad != 0)
      $display("FAIL: %0d mismatches in %0d vectors", bad, count);
    else
      $display("PASS: %0d vectors", count);
    $finish;
  end
endmodule
