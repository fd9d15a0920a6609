# Runs one libFuzzer target for SECONDS over a fresh corpus grown from seeds
# made here from real inputs.
# -D FUZZER, KIND (manifest or liberty), WORK (scratch directory), SECONDS,
#    NIBBLE (manifest: the nibble that generates seed designs),
#    LIBERTIES (liberty: ;-separated .lib files; a missing one is skipped),
#    MAX_LEN (longest input the fuzzer makes), DICT (a libFuzzer dictionary:
#    the format's keywords, so mutations get past the syntax more often).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/seeds ${WORK}/corpus ${WORK}/artifacts)
set(env "")
if(KIND STREQUAL "manifest")
  # generated designs: their manifests are the seeds; the first design's
  # directory is where the fuzzer writes manifest.json (its files are real)
  set(designs
    "--weights sf4,e2m1 --acts int4 --rows 2 --cols 3"
    "--weights int4 --acts overq --cascade 2 --overq-encoder --rows 4 --cols 2"
    "--weights e2m1-sr --acts overq,int4 --cascade 1 --rows 3 --cols 2"
    "--weights nf4,apot4 --acts int8 --rows 1 --cols 1 --pipeline 1")
  set(i 0)
  foreach(d IN LISTS designs)
    separate_arguments(args UNIX_COMMAND "${d}")
    execute_process(COMMAND ${NIBBLE} gen ${args} -o ${WORK}/design${i}
      RESULT_VARIABLE rc OUTPUT_QUIET)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "nibble gen ${d} failed (${rc})")
    endif()
    file(COPY_FILE ${WORK}/design${i}/manifest.json ${WORK}/seeds/manifest${i}.json)
    math(EXPR i "${i} + 1")
  endforeach()
  set(env NIBBLE_FUZZ_DESIGN=${WORK}/design0)
elseif(KIND STREQUAL "liberty")
  set(i 0)
  foreach(lib IN LISTS LIBERTIES)
    if(NOT EXISTS ${lib})
      message(STATUS "seed ${lib} not found; skipped")
      continue()
    endif()
    file(READ ${lib} text)
    string(LENGTH "${text}" n)
    if(n GREATER MAX_LEN)
      # keep the header, templates and the first cells: a complete library
      # the fuzzer can mutate as a whole (cut just before a later cell)
      string(SUBSTRING "${text}" 0 ${MAX_LEN} head)
      string(FIND "${head}" "\ncell" cut REVERSE)
      if(cut LESS 1)
        message(FATAL_ERROR "${lib}: no cell group in its first ${MAX_LEN} bytes")
      endif()
      string(SUBSTRING "${head}" 0 ${cut} head)
      set(text "${head}\n}\n")
    endif()
    file(WRITE ${WORK}/seeds/lib${i}.lib "${text}")
    math(EXPR i "${i} + 1")
  endforeach()
  if(i EQUAL 0)
    message(FATAL_ERROR "no liberty seed found among ${LIBERTIES}")
  endif()
else()
  message(FATAL_ERROR "KIND must be manifest or liberty, not '${KIND}'")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env ${env}
    ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10 -max_len=${MAX_LEN}
    -dict=${DICT}
    -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${WORK}/seeds
  WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} found a problem (exit ${rc}); reproducer in ${WORK}/artifacts")
endif()
