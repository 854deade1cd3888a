/* support.h: what the freestanding corpus C code needs and a wasm32 module without libc
 * lacks: memcpy/memmove/memset/memcmp (support.c), a deterministic generator, a checksum, a
 * text generator, and the one host import, the clock. The same code builds natively (the
 * reference): there the clock is clock_gettime and the memory functions are libc's. */
#ifndef CORPUS_SUPPORT_H
#define CORPUS_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(#name))) name
/* Monotonic nanoseconds from the host (bench/src/engines: StubAction::Clock). */
__attribute__((import_module("env"), import_name("clock_ns"))) int64_t host_clock_ns(void);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#else
#include <string.h>
#define EXPORT(name) name
int64_t host_clock_ns(void);
#endif

/* xorshift64 */
static inline uint64_t rng_next(uint64_t *s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

/* FNV-1a 64 over bytes, folded into *h. */
static inline void fnv_bytes(uint64_t *h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) *h = (*h ^ b[i]) * 0x100000001b3ULL;
}

#define FNV_INIT 0xcbf29ce484222325ULL

/* Fills buf with n bytes of word-like text from seed (compressible, like real data). */
void corpus_text(char *buf, size_t n, uint64_t seed);

#endif
