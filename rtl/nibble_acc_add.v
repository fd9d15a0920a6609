// nibble_acc_add.v
// Hand-written building block of nibble (copied beside generated designs).
//
// Accumulator adder: sum_o = acc_i + addend_i in W-bit two's complement.
// SAT = 0 wraps around (keeps the low W bits); SAT = 1 clamps to
// [-2^(W-1), 2^(W-1) - 1], exactly as nb_acc_add() in the golden library.
module nibble_acc_add #(
  parameter integer W   = 32,
  parameter integer SAT = 0
) (
  input  wire signed [W-1:0] acc_i,
  input  wire signed [W-1:0] addend_i,
  output wire signed [W-1:0] sum_o
);
  generate
    if (SAT != 0) begin : g_saturate
      // One extra bit holds the exact sum; it overflowed when the top two bits differ.
      wire signed [W:0] exact = {acc_i[W-1], acc_i} + {addend_i[W-1], addend_i};
      wire              overflow = exact[W] ^ exact[W-1];
      // On overflow the sign of the exact sum picks the most negative or most positive value.
      assign sum_o = overflow ? {exact[W], {(W-1){~exact[W]}}} : exact[W-1:0];
    end else begin : g_wrap
      assign sum_o = acc_i + addend_i;
    end
  endgenerate
endmodule
