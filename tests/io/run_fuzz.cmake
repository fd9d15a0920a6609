# Runs FUZZER for SECONDS over a fresh corpus grown from seeds made at test time.
# -D FUZZER, WORK (scratch directory), SECONDS, and SEEDER (a program that writes
# seeds into the directory it is given) and/or SEED_GLOB (text files to copy).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/seeds ${WORK}/corpus ${WORK}/artifacts)
if(SEEDER)
  execute_process(COMMAND ${SEEDER} ${WORK}/seeds RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SEEDER} failed (${rc})")
  endif()
endif()
if(SEED_GLOB)
  file(GLOB seeds ${SEED_GLOB})
  file(COPY ${seeds} DESTINATION ${WORK}/seeds)
endif()
get_filename_component(name ${FUZZER} NAME)
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10
    -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${WORK}/seeds
  WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${name} found a problem (exit ${rc}); reproducer in ${WORK}/artifacts")
endif()
