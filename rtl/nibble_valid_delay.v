// nibble_valid_delay.v
// Hand-written building block of nibble (copied beside generated designs).
//
// Valid pipeline: valid_o is valid_i from N cycles ago (N >= 1); a synchronous
// active-low reset clears every stage so no stale valid leaves after reset.
module nibble_valid_delay #(
  parameter integer N = 1
) (
  input  wire clk_i,
  input  wire rst_ni,
  input  wire valid_i,
  output wire valid_o
);
  reg [N-1:0] stage_q;
  generate
    if (N == 1) begin : g_one
      always @(posedge clk_i) stage_q <= rst_ni ? valid_i : 1'b0;
    end else begin : g_line
      always @(posedge clk_i) stage_q <= rst_ni ? {stage_q[N-2:0], valid_i} : {N{1'b0}};
    end
  endgenerate
  assign valid_o = stage_q[N-1];
endmodule
