/* Building .safetensors and .npy files byte by byte, so tests never depend on the reader. */
#ifndef NIBBLE_TEST_IO_BYTES_H
#define NIBBLE_TEST_IO_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

void b_put(bytes *b, const void *src, size_t n);
void b_str(bytes *b, const char *s);
void b_le16(bytes *b, uint16_t v);
void b_le32(bytes *b, uint32_t v);
void b_le64(bytes *b, uint64_t v);
void b_f32(bytes *b, float f);   /* little-endian IEEE bits */
void b_free(bytes *b);

/* 8-byte little-endian header length, the JSON text as given, then data. */
bytes st_file(const char *json, const bytes *data);
/* Magic, version major.0, header length (u16 for v1, u32 after), the dict padded with
 * spaces and a newline to a multiple of 64 bytes, then data. */
bytes npy_file(int major, const char *dict, const bytes *data);

/* Writes b to a fresh file under $NIBBLE_TEST_TMP named after `name`; path into buf.
 * (io_tmp.c: Criterion tests only.) */
void b_write_tmp(const bytes *b, const char *name, char *buf, size_t len);

#endif
