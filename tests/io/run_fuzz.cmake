# Runs fuzz_tensors for SECONDS over a fresh corpus grown from generated seeds.
# -D FUZZER, SEEDER (make_io_seeds), WORK (scratch directory), SECONDS.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/seeds ${WORK}/corpus ${WORK}/artifacts)
execute_process(COMMAND ${SEEDER} ${WORK}/seeds RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "make_io_seeds failed (${rc})")
endif()
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10
    -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${WORK}/seeds
  WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz_tensors found a problem (exit ${rc}); reproducer in ${WORK}/artifacts")
endif()
