/* support.c: the memory functions a libc would provide (wasm builds only; clang lowers
 * struct copies and loops to calls of these) and the text generator of every C kernel. */
#include "support.h"

#ifdef __wasm__
void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y) return *x - *y;
  return 0;
}
#endif

static const char *const WORDS[] = {
    "the",   "of",     "and",    "block",   "chain",  "contract", "gas",    "value",  "transfer", "account",
    "state", "root",   "merkle", "proof",   "hash",   "signature", "verify", "node",   "engine",   "module",
    "memory", "table", "global", "export",  "import", "function", "call",   "return", "branch",   "loop",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

void corpus_text(char *buf, size_t n, uint64_t seed) {
  size_t at = 0;
  while (at < n) {
    uint64_t r = rng_next(&seed);
    const char *w = WORDS[r % NWORDS];
    char num[24];
    if ((r >> 8) % 9 == 0) { /* a number */
      uint64_t v = (r >> 16) % 100000;
      int k = 0;
      do num[k++] = (char)('0' + v % 10); while (v /= 10);
      num[k] = 0;
      for (int i = 0; i < k / 2; i++) {
        char t = num[i];
        num[i] = num[k - 1 - i];
        num[k - 1 - i] = t;
      }
      w = num;
    }
    while (*w && at < n) buf[at++] = *w++;
    if (at < n) buf[at++] = ((r >> 40) % 11 == 0) ? '\n' : ' ';
  }
}
