# Runs one libFuzzer target for SECONDS over a fresh corpus grown from seeds
# made at test time. -D:
#   FUZZER, WORK (scratch directory), SECONDS;
#   seeds, any of: SEEDER (a program that writes seeds into the directory it is
#     given), SEED_GLOB (files to copy), KIND manifest (generated designs'
#     manifests, made by NIBBLE) or liberty (LIBERTIES, |-separated .lib files,
#     a missing one skipped, each cut to MAX_LEN at a cell boundary);
#   MAX_LEN (longest input the fuzzer makes; default libFuzzer's), DICT (a
#     libFuzzer dictionary: the format's keywords, so mutations get past the
#     syntax more often).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/seeds ${WORK}/corpus ${WORK}/artifacts)
set(env "")
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
  string(REPLACE "|" ";" LIBERTIES "${LIBERTIES}")
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
elseif(KIND)
  message(FATAL_ERROR "KIND must be manifest or liberty, not '${KIND}'")
endif()
file(GLOB any_seed ${WORK}/seeds/*)
if(NOT any_seed)
  message(FATAL_ERROR "no seed was made for ${FUZZER}")
endif()
set(options "")
if(MAX_LEN)
  list(APPEND options -max_len=${MAX_LEN})
endif()
if(DICT)
  list(APPEND options -dict=${DICT})
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env ${env}
    ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10 ${options}
    -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${WORK}/seeds
  WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} found a problem (exit ${rc}); reproducer in ${WORK}/artifacts")
endif()
