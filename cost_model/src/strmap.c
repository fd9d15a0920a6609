/* Open-addressing string map; linear probing, grown at half full. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void cost_strmap_init(cost_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void cost_strmap_free(cost_strmap *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static size_t probe(const cost_strmap *m, const char *key)
{
    size_t i = (size_t)hash(key) & (m->cap - 1);
    while (m->slots[i] >= 0 && strcmp(m->keys[m->slots[i]], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

long cost_strmap_find(const cost_strmap *m, const char *key)
{
    return m->cap ? m->slots[probe(m, key)] : -1;
}

static bool grow(cost_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    long *slots = malloc(cap * sizeof *slots);
    char **keys = realloc(m->keys, cap / 2 * sizeof *keys);
    if (keys)
        m->keys = keys;
    if (!slots || !keys) {
        free(slots);
        return false;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < cap; i++)
        slots[i] = -1;
    for (size_t k = 0; k < m->n; k++)
        slots[probe(m, m->keys[k])] = (long)k;
    return true;
}

long cost_strmap_add(cost_strmap *m, const char *key, bool *added)
{
    *added = false;
    if ((m->n + 1) * 2 > m->cap && !grow(m))
        return -1;
    size_t i = probe(m, key);
    if (m->slots[i] >= 0)
        return m->slots[i];
    size_t len = strlen(key) + 1;
    char *copy = malloc(len);
    if (!copy)
        return -1;
    memcpy(copy, key, len);
    m->keys[m->n] = copy;
    m->slots[i] = (long)m->n;
    *added = true;
    return (long)m->n++;
}
