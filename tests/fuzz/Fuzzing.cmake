# Shared machinery of every libFuzzer target (tests/io, tests/fuzz). The
# fuzzers need clang's libFuzzer runtime (gcc has none), so each is built by
# hand with clang from the libraries' own sources: the code under test is then
# instrumented for coverage and sanitizers. Every fuzz test carries the label
# "full" and runs NIBBLE_FUZZ_SECONDS through run_fuzz.cmake.
#
# NIBBLE_FUZZ_OK is TRUE when clang can build a fuzzer; callers return early
# otherwise.

find_program(NIBBLE_CLANG NAMES clang clang-14)
set(NIBBLE_FUZZ_OK FALSE)
if(NIBBLE_CLANG)
  set(probe ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe.c)
  file(WRITE ${probe} "#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
  execute_process(COMMAND ${NIBBLE_CLANG} -fsanitize=fuzzer,address,undefined ${probe}
                    -o ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe
                  RESULT_VARIABLE probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(probe_rc EQUAL 0)
    set(NIBBLE_FUZZ_OK TRUE)
  endif()
endif()
if(NOT NIBBLE_FUZZ_OK)
  message(STATUS "nibble: clang with -fsanitize=fuzzer not found; skipping the fuzz_* targets")
endif()

set(NIBBLE_FUZZ_SECONDS 60 CACHE STRING "Seconds each fuzz_* test runs its fuzzer")
set(NIBBLE_FUZZ_RUNNER ${CMAKE_CURRENT_LIST_DIR}/run_fuzz.cmake)

# Every project header a fuzzer may include: a change to any rebuilds them.
file(GLOB_RECURSE NIBBLE_FUZZ_HEADERS
  ${PROJECT_SOURCE_DIR}/num/*.h ${PROJECT_SOURCE_DIR}/sys/*.h ${PROJECT_SOURCE_DIR}/gen/*.h
  ${PROJECT_SOURCE_DIR}/cost_model/*.h)

# The include flags of the libraries a fuzzer is built from.
set(NIBBLE_FUZZ_INCLUDES
  -I${PROJECT_SOURCE_DIR}/num/include -I${PROJECT_SOURCE_DIR}/num/src
  -I${PROJECT_SOURCE_DIR}/num/io/include -I${PROJECT_SOURCE_DIR}/sys/include
  -I${PROJECT_SOURCE_DIR}/gen/include -I${PROJECT_SOURCE_DIR}/cost_model/include
  -I${PROJECT_SOURCE_DIR}/cost_model/src)

# nibble_fuzz_sources(OUT TARGET...): absolute source paths of library targets
# (their SOURCES may be relative to their own folder).
function(nibble_fuzz_sources out)
  set(all "")
  foreach(t ${ARGN})
    get_target_property(srcs ${t} SOURCES)
    get_target_property(dir ${t} SOURCE_DIR)
    foreach(s ${srcs})
      if(IS_ABSOLUTE ${s})
        list(APPEND all ${s})
      else()
        list(APPEND all ${dir}/${s})
      endif()
    endforeach()
  endforeach()
  set(${out} ${all} PARENT_SCOPE)
endfunction()

# nibble_fuzz_target(NAME MAIN [SOURCES...] [FLAGS...] [LIBS...]): the
# libFuzzer binary NAME from MAIN (relative to the calling folder) and SOURCES.
function(nibble_fuzz_target name main)
  cmake_parse_arguments(ARG "" "" "SOURCES;FLAGS;LIBS" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name})
  add_custom_command(OUTPUT ${out}
    COMMAND ${NIBBLE_CLANG} -std=c11 -g -O1 ${NIBBLE_C_WARNINGS} -Wno-unknown-warning-option
      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
      ${NIBBLE_FUZZ_INCLUDES} ${ARG_FLAGS} ${CMAKE_CURRENT_SOURCE_DIR}/${main} ${ARG_SOURCES}
      ${ARG_LIBS} -lm -o ${out}
    DEPENDS ${main} ${ARG_SOURCES} ${NIBBLE_FUZZ_HEADERS}
    COMMENT "Building the libFuzzer target ${name} with clang"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
endfunction()

# nibble_fuzz_test(NAME LABEL label [SEEDER exe] [SEED_GLOB glob] [KIND manifest|liberty]
#                  [MAX_LEN n] [DICT file] [ARGS -Dvar=value...]): runs the fuzzer NAME
# for NIBBLE_FUZZ_SECONDS over seeds made at test time (see run_fuzz.cmake).
function(nibble_fuzz_test name)
  cmake_parse_arguments(F "" "LABEL;SEEDER;SEED_GLOB;KIND;MAX_LEN;DICT" "ARGS" ${ARGN})
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} -DFUZZER=${CMAKE_CURRENT_BINARY_DIR}/${name}
      -DWORK=${CMAKE_CURRENT_BINARY_DIR}/${name}_run -DSECONDS=${NIBBLE_FUZZ_SECONDS}
      -DSEEDER=${F_SEEDER} "-DSEED_GLOB=${F_SEED_GLOB}" -DKIND=${F_KIND} -DMAX_LEN=${F_MAX_LEN}
      -DDICT=${F_DICT} ${F_ARGS} -P ${NIBBLE_FUZZ_RUNNER})
  set_tests_properties(${name} PROPERTIES LABELS "full;${F_LABEL}" TIMEOUT 900)
endfunction()
