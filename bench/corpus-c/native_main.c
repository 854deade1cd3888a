/* native_main.c: `corpus-c-native EXPORT ARG` runs a C corpus kernel natively and prints its
 * result, the bench's reference for the same code compiled to wasm. Exit 2 on a bad argument. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

int64_t lz4_roundtrip(int32_t kib);
int64_t lz4_known_answer(void);
int64_t cpumark_fixed(int32_t iterations);
int64_t cpumark_score(int32_t ms);

int64_t host_clock_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(int argc, char **argv) {
  static const struct {
    const char *name;
    int64_t (*f)(int32_t);
  } kernels[] = {{"lz4_roundtrip", lz4_roundtrip}, {"cpumark_fixed", cpumark_fixed}, {"cpumark_score", cpumark_score}};
  if (argc != 3) {
    fprintf(stderr, "usage: corpus-c-native EXPORT ARG\n");
    return 2;
  }
  for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
    if (strcmp(argv[1], kernels[i].name) == 0) {
      printf("%lld\n", (long long)kernels[i].f((int32_t)atoi(argv[2])));
      return 0;
    }
  fprintf(stderr, "corpus-c-native: no kernel `%s`\n", argv[1]);
  return 2;
}
