// fixed_tb.v: drives the fixed-point scale stage of one column,
// nibble_fixed_term (the shifted block sum) into nibble_fixed_add (the
// register addition and the binary32 conversion), with the vectors of
// fixed_vectors.c, each line "psum wscale ascale acc_in acc_out f32" in hex,
// expected from the golden library. Prints PASS, or FAIL: N mismatches.
// Defines: ACC (block sum bits), TW (term bits), FB (register bits + NaN
// flag), VECTORS (file).
`timescale 1ns / 1ps
module fixed_tb;
  reg  [`ACC-1:0] psum;
  reg  [7:0]      wscale, ascale;
  reg  [`FB-1:0]  acc_in, want_acc;
  reg  [31:0]     want_f32;
  wire [`TW-1:0]  term;
  wire            term_nan;
  wire [`FB-1:0]  got_acc;
  wire [31:0]     got_f32;
  reg  [63:0]     p64, a64, o64;
  reg  [31:0]     w32, s32;
  integer fd, n, count, bad;
  nibble_fixed_term dut (.psum_i(psum), .w_scale_i(wscale), .a_scale_i(ascale), .term_o(term),
                         .nan_o(term_nan));
  nibble_fixed_add  add (.acc_i(acc_in), .term_i(term), .term_nan_i(term_nan), .acc_o(got_acc),
                         .f32_o(got_f32));
  initial begin
    fd = $fopen(`VECTORS, "r");
    if (fd == 0) begin
      $display("FAIL: 0 mismatches (cannot open %s)", `VECTORS);
      $finish;
    end
    count = 0;
    bad = 0;
    n = $fscanf(fd, "%h %h %h %h %h %h\n", p64, w32, s32, a64, o64, want_f32);
    while (n == 6) begin
      psum = p64[`ACC-1:0];
      wscale = w32[7:0];
      ascale = s32[7:0];
      acc_in = a64[`FB-1:0];
      want_acc = o64[`FB-1:0];
      #1;
      if (got_acc !== want_acc || got_f32 !== want_f32) begin
        bad = bad + 1;
        if (bad <= 10)
          $display("MISMATCH psum %h wscale %h ascale %h acc %h: got %h %h, golden %h %h", psum,
                   wscale, ascale, acc_in, got_acc, got_f32, want_acc, want_f32);
      end
      count = count + 1;
      n = $fscanf(fd, "%h %h %h %h %h %h\n", p64, w32, s32, a64, o64, want_f32);
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
