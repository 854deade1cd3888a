/* lz4_kernel.c: drives the LZ4 library bundled in PyPI's `lz4` source distribution (built
 * freestanding: LZ4_FREESTANDING, no heap). `lz4_roundtrip(kib)` compresses kib KiB of
 * generated text, in independent 32 KiB blocks, with LZ4_compress_default and with LZ4_compress_HC at levels 4 and 9,
 * decompresses each with LZ4_decompress_safe and compares; the checksum covers every
 * compressed stream. Known answer (`lz4_known_answer`): a block written by hand from the LZ4
 * block format specification decodes to the text it encodes. A failure returns a negative
 * code, which the bench reports as a mismatch. */
/* LZ4_FREESTANDING and its LZ4_memcpy/memmove/memset come from the build
 * (scripts/build-corpus.sh), the same for this file and the library's. */
#define LZ4_HC_STATIC_LINKING_ONLY 1
#include "support.h"
#include "lz4.h"
#include "lz4hc.h"

#define MAX_INPUT (1 << 20)
#define BLOCK (32 * 1024)
static char input[MAX_INPUT];
static char packed[LZ4_COMPRESSBOUND(MAX_INPUT)];
static char unpacked[MAX_INPUT];
static LZ4_streamHC_t hc_state;

int64_t EXPORT(lz4_known_answer)(void) {
  /* token 0x34: 3 literals "abc", match of 4 + 4 = 8 at offset 3; token 0x50: 5 literals. */
  static const char block[] = {0x34, 'a', 'b', 'c', 0x03, 0x00, 0x50, 'h', 'e', 'l', 'l', 'o'};
  static const char want[] = "abcabcabcabhello";
  char out[32];
  int n = LZ4_decompress_safe(block, out, (int)sizeof block, (int)sizeof out);
  if (n != (int)sizeof want - 1) return -1;
  return memcmp(out, want, sizeof want - 1) == 0 ? 1 : -2;
}

int64_t EXPORT(lz4_roundtrip)(int32_t kib) {
  if (lz4_known_answer() != 1) return -100;
  size_t n = (size_t)(kib < 1 ? 1 : kib) * 1024;
  if (n > MAX_INPUT) return -101;
  corpus_text(input, n, 0x1A4C0DE000000001ULL);
  uint64_t h = FNV_INIT;
  /* Independent blocks of BLOCK bytes, as the LZ4 frame format's default: LZ4 picks its hash
   * table by input size and pointer width, and below 64 KiB it picks the same one on wasm32 and
   * on 64-bit hosts, so the compressed bytes can be checked against the native build's. */
  for (int mode = 0; mode < 3; mode++) {
    for (size_t at = 0; at < n; at += BLOCK) {
      int len_in = (int)(n - at < BLOCK ? n - at : BLOCK);
      int c = mode == 0 ? LZ4_compress_default(input + at, packed, len_in, (int)sizeof packed)
                        : LZ4_compress_HC_extStateHC(&hc_state, input + at, packed, len_in, (int)sizeof packed,
                                                     mode == 1 ? 4 : 9);
      if (c <= 0) return -10 - mode;
      int d = LZ4_decompress_safe(packed, unpacked, c, (int)sizeof unpacked);
      if (d != len_in || memcmp(unpacked, input + at, (size_t)len_in) != 0) return -20 - mode;
      uint64_t len = (uint64_t)c;
      fnv_bytes(&h, &len, sizeof len);
      fnv_bytes(&h, packed, (size_t)c);
    }
  }
  return (int64_t)h;
}
