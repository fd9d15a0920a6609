/* Helpers shared by the Criterion suites. */
#ifndef NIBBLE_TEST_SUPPORT_H
#define NIBBLE_TEST_SUPPORT_H

#include <stddef.h>

/* Write `text` to a fresh file under $NIBBLE_TEST_TMP; returns its path in buf. */
void test_tmp_file(char *buf, size_t len, const char *name, const char *text);
/* A fresh per-test path under $NIBBLE_TEST_TMP (nothing created). */
void test_tmp_path(char *buf, size_t len, const char *name);

#endif
