// nibble_delay.v
// Hand-written building block of nibble (copied beside generated designs).
//
// Delay line without reset: data_o is data_i from N clock cycles ago (N >= 1).
// Used for the activation skew, the partial-sum skew and the output deskew.
module nibble_delay #(
  parameter integer W = 1,
  parameter integer N = 1
) (
  input  wire         clk_i,
  input  wire [W-1:0] data_i,
  output wire [W-1:0] data_o
);
  generate
    if (N == 1) begin : g_one
      reg [W-1:0] stage_q;
      always @(posedge clk_i) stage_q <= data_i;
      assign data_o = stage_q;
    end else begin : g_line
      // stage k occupies bits [k*W +: W]; data enters at stage 0
      reg [N*W-1:0] line_q;
      always @(posedge clk_i) line_q <= {line_q[(N-1)*W-1:0], data_i};
      assign data_o = line_q[(N-1)*W +: W];
    end
  endgenerate
endmodule
