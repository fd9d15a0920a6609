# Outputs (issue 13): write errors on stdout, JSON rows with inf/NaN,
# allocation failures, costmodel's refusals. Included by CMakeLists.txt,
# which defines nibble_cli_test and EXPECT.

set(FULL_MSG "nibble [a-z]+: error: cannot write to standard output: No space left on device. the output is incomplete")

# nibble_full_stdout_test(NAME ARGS...): nibble ARGS with stdout on /dev/full
# must exit 2 and say so on stderr (expect.sh captures stderr only then).
function(nibble_full_stdout_test name)
  add_test(NAME cli_${name} COMMAND ${EXPECT} 2 ${FULL_MSG}
    sh -c "exec \"$0\" \"$@\" > /dev/full" $<TARGET_FILE:nibble_asan> ${ARGN})
  set_tests_properties(cli_${name} PROPERTIES LABELS "cli")
endfunction()

nibble_full_stdout_test(full_stdout_formats formats)
nibble_full_stdout_test(full_stdout_formats_json formats --json int4)
nibble_full_stdout_test(full_stdout_quantize quantize --format int4 --rows 4 --cols 128)
nibble_full_stdout_test(full_stdout_quantize_json quantize --format int4 --rows 4 --cols 128 --json)
nibble_full_stdout_test(full_stdout_overq overq --n 1000 --cascade 0..1 --zeros 0.5)
nibble_full_stdout_test(full_stdout_help gen --help)
nibble_full_stdout_test(full_stdout_regress_list regress --list)
add_test(NAME cli_full_stdout_version COMMAND ${EXPECT} 2
  "nibble: error: cannot write to standard output: No space left on device"
  sh -c "exec \"$0\" \"$@\" > /dev/full" $<TARGET_FILE:nibble_asan> --version)
set_tests_properties(cli_full_stdout_version PROPERTIES LABELS "cli")

# costmodel: tables with known areas and the variants it must refuse
set(COSTTABLES ${CMAKE_CURRENT_BINARY_DIR}/costtables)
add_test(NAME cli_costmodel_tables COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/make_cost_tables.sh ${COSTTABLES})
set_tests_properties(cli_costmodel_tables PROPERTIES FIXTURES_SETUP costtables LABELS "cli")
function(nibble_cost_test name status pattern)
  nibble_cli_test(${name} ${status} ${pattern} costmodel ${ARGN})
  set_tests_properties(cli_${name} PROPERTIES FIXTURES_REQUIRED costtables)
endfunction()
nibble_cost_test(costmodel_ok 0 "held out 8x8: predicted 32472, synthesized 32472 um.2, error [+-]0.00%"
  --table ${COSTTABLES}/ok.json)
nibble_cost_test(costmodel_large_sizes 0 "held out 40000x40000: predicted 805600740100"
  --table ${COSTTABLES}/big_sizes.json)
nibble_cost_test(costmodel_size_overflow 2
  "huge_size.json: design 8 .a100000x100000. is 100000x100000. rows and cols must be 1..65536"
  --table ${COSTTABLES}/huge_size.json)
nibble_cost_test(costmodel_duplicate_size 2
  "duplicate.json: datatype set int4 x int4 .acc 16. holds size 4x4 twice .designs 5 and 8."
  --table ${COSTTABLES}/duplicate.json)
nibble_cost_test(costmodel_all_held_out 2
  "--hold-out leaves 0 of the 8 sizes of datatype set int4 x int4 .acc 16. to fit. the model needs at least 6, so no held-out error can be computed"
  --table ${COSTTABLES}/ok.json --hold-out 2x2,2x4,4x2,3x5,5x3,4x4,6x6,8x8)
nibble_cost_test(costmodel_hold_out_absent 2
  "none of the --hold-out sizes is among the 8 sizes of datatype set int4 x int4 .acc 16., so no held-out error can be computed"
  --table ${COSTTABLES}/ok.json --hold-out 9x9)
nibble_cost_test(costmodel_huge_area 2
  "design 6 .a6x6. has array area 1e.308 um.2. an area must be positive and below 1e.12"
  --table ${COSTTABLES}/huge_area.json)
nibble_cost_test(costmodel_negative_area 2 "design 6 .a6x6. has array area -5 um.2"
  --table ${COSTTABLES}/negative_area.json)
nibble_cost_test(costmodel_bad_predict 2
  "--predict: '1x99999999999' is not a size RxC with 1 <= R, C <= 4096"
  --table ${COSTTABLES}/ok.json --predict 1x99999999999)
nibble_full_stdout_test(full_stdout_costmodel costmodel --table ${COSTTABLES}/ok.json)
set_tests_properties(cli_full_stdout_costmodel PROPERTIES FIXTURES_REQUIRED costtables)
nibble_full_stdout_test(full_stdout_sim sim --config ${SIMDESIGN} --gemm 3x4x2 --group 4)
set_tests_properties(cli_full_stdout_sim PROPERTIES FIXTURES_REQUIRED simdesign)

# --json keeps every row: an exact result (SQNR +inf) or no signal (NaN) is
# null with a note, never a dropped row (jansson's json_real refuses inf/NaN)
nibble_cli_test(quantize_json_exact 0 "\"sqnr_note\": \"exact: zero error\""
  quantize --format int4,sf4 --input ${DATA}/int4_exact.txt --json)
nibble_cli_test(quantize_json_all_zero 0 "\"sqnr_note\": \"exact: zero error\""
  quantize --format int4 --input ${DATA}/all_zero.txt --json)
nibble_cli_test(overq_json_no_signal 0 "\"plain_sqnr_note\": \"undefined: no signal and no error\""
  overq --zeros 0.999999 --n 16 --cascade 0..1 --json)
nibble_cli_test(overq_text_no_signal 0 "'-': no activation is above zero"
  overq --zeros 0.999999 --n 16 --cascade 0..1)
nibble_cli_test(overq_zeros_tiny 2 "--zeros: 1e-300 is outside \\[1e-06, 0.999999\\]"
  overq --zeros 1e-300)

# Allocation failures name what could not be allocated (exit 2), never an
# empty message or a bare table header with exit 0. AddressSanitizer cannot
# run under an address-space limit, so these use the plain build.
function(nibble_low_memory_test name pattern)
  add_test(NAME cli_${name} COMMAND ${EXPECT} 2 ${pattern}
    sh -c "ulimit -v 1600000; exec \"$0\" \"$@\"" $<TARGET_FILE:nibble> ${ARGN})
  set_tests_properties(cli_${name} PROPERTIES LABELS "cli")
endfunction()
nibble_low_memory_test(quantize_out_of_memory
  "nibble quantize: error: out of memory for the 16777216 x 16 dequantized tensor .1073741824 bytes.. use fewer --rows or --cols"
  quantize --format int4 --rows 16777216 --cols 16)
nibble_low_memory_test(sim_out_of_memory
  "nibble sim: error: out of memory for the results of a 8192x1x8192 GEMM .1610612736 bytes.. use a smaller --gemm"
  sim --config ${SIMDESIGN} --gemm 8192x1x8192 --fast-forward)
set_tests_properties(cli_sim_out_of_memory PROPERTIES FIXTURES_REQUIRED simdesign)

# A liberty with a negative cell area gave a negative design area: nibble's
# reader refuses it with FILE:LINE before Yosys runs (so no tool is needed).
nibble_cli_test(synth_negative_area 2
  "liberty file .*negative_area.lib is malformed: .*negative_area.lib:29: area \"-96\" is negative"
  synth --config ${SIMDESIGN} --liberty ${DATA}/liberty/negative_area.lib --no-power)
set_tests_properties(cli_synth_negative_area PROPERTIES FIXTURES_REQUIRED simdesign
  ENVIRONMENT "NIBBLE_CACHE_DIR=${CMAKE_CURRENT_BINARY_DIR}/cache")
