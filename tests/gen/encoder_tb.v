// encoder_tb.v: nibble_overq_encoder (4 rows, cascade depth 2,
// range+precision) against vectors worked out by hand from the encoder rule
// in gen/README.md ("OverQ"): v = round(u / 16) with ties to the lower value,
// zero and outlier judged on v, precision keeps the truncated integer part
// plus the low nibble, outliers before precision, moved values clipped to 15.
// tests/unit/test_overq_rules.c holds nb_overq_encode to the same vectors.
`timescale 1ns/1ps
module encoder_tb;
  reg  [47:0] values;
  wire [15:0] codes;
  wire [7:0]  tags;
  integer errors = 0, checks = 0;

  nibble_overq_encoder dut (.values_i(values), .codes_o(codes), .tags_o(tags));

  // u0..u3 in, then (nibble, tag) of rows 0..3 expected
  task check(input [8*40-1:0] what, input [11:0] u0, input [11:0] u1, input [11:0] u2,
             input [11:0] u3, input [3:0] n0, input [1:0] t0, input [3:0] n1, input [1:0] t1,
             input [3:0] n2, input [1:0] t2, input [3:0] n3, input [1:0] t3);
    begin
      values = {u3, u2, u1, u0};
      #1;
      checks = checks + 1;
      if (codes !== {n3, n2, n1, n0} || tags !== {t3, t2, t1, t0}) begin
        errors = errors + 1;
        $display("MISMATCH %0s: codes %h tags %b, documented %h %b", what, codes, tags,
                 {n3, n2, n1, n0}, {t3, t2, t1, t0});
      end else
        $display("ok: %0s", what);
    end
  endtask

  localparam [1:0] N = 0, H = 1, M = 2, LO = 3;
  initial begin
    check("tie 24 -> 1, zero u=8, precision",  24,   8,  40,    0,   1, N,  8, LO,  2, N,  8, LO);
    check("u=9 is not a zero, truncation",      25,   9,   0,    0,   2, N,  0, N,   9, LO, 0, N);
    check("outlier, zero after rounding at 2", 648, 100,   7,   50,   8, N,  2, H,   6, M,  3, N);
    check("outlier without a zero in reach",   800,   9,  30,    9,  15, N,  1, N,   2, N,  1, N);
    check("second outlier moved is clipped",   320, 500,   0,    0,   4, N,  1, H,  15, M,  0, N);
    check("outlier before precision",           30, 400,   3,    0,   2, N,  9, N,   1, H,  0, N);
    check("clamp 255, precision at the end",  4095,   0,  20,    4,  15, N, 15, H,   1, N,  4, LO);
    check("last row never starts a chain",     300,   0,   0, 1000,   3, N,  1, H,   0, N, 15, N);
    if (errors == 0) $display("PASS: %0d encoder vectors match gen/README.md", checks);
    else $display("FAIL: %0d mismatches", errors);
    $finish;
  end
endmodule
