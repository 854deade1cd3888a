/* cpumark.c: a CPU benchmark of CoreMark's kind, written for gasket's bench: per iteration a
 * linked-list kernel (find, reverse, merge sort by two keys), a matrix kernel (int16 product
 * into int32, scaling, bit extraction), a state machine scanning numeric tokens (one big
 * switch, the kind of loop-heavy function CoreMark's core_state is) and CRC-16 over every
 * result. Inputs come from the iteration's seed, so the work is fixed and its result known.
 *
 *   cpumark_fixed(iterations) -> CRC chain over all iterations (fixed work: timed runs)
 *   cpumark_score(ms)         -> iterations completed in ms milliseconds of the host clock
 *                                (env.clock_ns), or -1 if any iteration's CRC was wrong
 *
 * The native build of this file is the reference of cpumark_fixed. */
#include "support.h"

/* ---- CRC-16 (reflected 0x8005, as CoreMark's crcu16) */
static uint16_t crc8(uint8_t data, uint16_t crc) {
  for (int i = 0; i < 8; i++) {
    uint8_t x16 = (uint8_t)((data & 1) ^ (crc & 1));
    data >>= 1;
    if (x16 == 1) {
      crc ^= 0x4002;
      crc = (uint16_t)((crc >> 1) | 0x8000);
    } else {
      crc >>= 1;
    }
  }
  return crc;
}
static uint16_t crc16(uint16_t v, uint16_t crc) { return crc8((uint8_t)(v >> 8), crc8((uint8_t)v, crc)); }
static uint16_t crc32v(uint32_t v, uint16_t crc) { return crc16((uint16_t)(v >> 16), crc16((uint16_t)v, crc)); }

/* ---- list kernel */
#define LIST_N 256
typedef struct node {
  struct node *next;
  int16_t data;
  int16_t idx;
} node;
static node pool[LIST_N];

static int cmp_data(const node *a, const node *b) { return a->data - b->data; }
static int cmp_idx(const node *a, const node *b) { return a->idx - b->idx; }

/* Bottom-up merge sort of a singly linked list (as CoreMark's core_list_mergesort). */
static node *list_sort(node *list, int (*cmp)(const node *, const node *)) {
  for (int insize = 1;; insize *= 2) {
    node *p = list, *tail = 0;
    list = 0;
    int merges = 0;
    while (p) {
      merges++;
      node *q = p;
      int psize = 0;
      for (int i = 0; i < insize && q; i++) psize++, q = q->next;
      int qsize = insize;
      while (psize > 0 || (qsize > 0 && q)) {
        node *e;
        if (psize == 0) e = q, q = q->next, qsize--;
        else if (qsize == 0 || !q) e = p, p = p->next, psize--;
        else if (cmp(p, q) <= 0) e = p, p = p->next, psize--;
        else e = q, q = q->next, qsize--;
        if (tail) tail->next = e;
        else list = e;
        tail = e;
      }
      p = q;
    }
    tail->next = 0;
    if (merges <= 1) return list;
  }
}

static node *list_reverse(node *list) {
  node *prev = 0;
  while (list) {
    node *next = list->next;
    list->next = prev;
    prev = list;
    list = next;
  }
  return prev;
}

static node *list_find(node *list, int16_t data) {
  while (list && list->data != data) list = list->next;
  return list;
}

static uint16_t list_kernel(uint64_t seed, uint16_t crc) {
  for (int i = 0; i < LIST_N; i++) {
    pool[i].next = i + 1 < LIST_N ? &pool[i + 1] : 0;
    pool[i].data = (int16_t)(rng_next(&seed) & 0x7fff);
    pool[i].idx = (int16_t)i;
  }
  node *list = &pool[0];
  for (int k = 0; k < 16; k++) {
    node *f = list_find(list, pool[(k * 37) % LIST_N].data);
    crc = crc16((uint16_t)(f ? f->idx : -1), crc);
    list = list_reverse(list);
    crc = crc16((uint16_t)list->data, crc);
  }
  list = list_sort(list, cmp_data);
  for (node *p = list; p; p = p->next) crc = crc16((uint16_t)p->data, crc);
  list = list_sort(list, cmp_idx);
  int16_t expect = 0;
  for (node *p = list; p; p = p->next, expect++)
    if (p->idx != expect) return 0xdead;
  return crc;
}

/* ---- matrix kernel */
#define MAT_N 24
static int16_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N];
static int32_t mc[MAT_N][MAT_N];

static uint16_t matrix_kernel(uint64_t seed, uint16_t crc) {
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) {
      uint64_t r = rng_next(&seed);
      ma[i][j] = (int16_t)((r & 0xff) - 128);
      mb[i][j] = (int16_t)(((r >> 8) & 0xff) - 128);
    }
  int16_t k = (int16_t)(seed & 0x3f);
  for (int i = 0; i < MAT_N; i++) /* add a constant */
    for (int j = 0; j < MAT_N; j++) ma[i][j] = (int16_t)(ma[i][j] + k);
  for (int i = 0; i < MAT_N; i++) /* matrix product */
    for (int j = 0; j < MAT_N; j++) {
      int32_t s = 0;
      for (int x = 0; x < MAT_N; x++) s += (int32_t)ma[i][x] * (int32_t)mb[x][j];
      mc[i][j] = s;
    }
  int32_t sum = 0;
  for (int i = 0; i < MAT_N; i++) /* product with a constant, then bit extraction */
    for (int j = 0; j < MAT_N; j++) {
      int32_t v = mc[i][j] * k;
      sum += (v >> 2) & 0xfff;
      sum += (mc[i][j] > 1000) ? 1 : (mc[i][j] < -1000 ? -1 : 0);
    }
  for (int i = 0; i < MAT_N; i++) crc = crc32v((uint32_t)mc[i][(i * 5) % MAT_N], crc);
  return crc32v((uint32_t)sum, crc);
}

/* ---- state machine: classify comma-separated tokens as integers, floats, scientific
 * notation or invalid, counting the transitions (as CoreMark's core_state). */
enum state { START, INVALID, S1, S2, INT, FLOAT, EXPONENT, SCIENTIFIC, NSTATES };
#define TEXT_N 2048
static char tokens[TEXT_N];

static void make_tokens(uint64_t seed) {
  static const char *const parts[] = {"5012", "1234", "-874", "+122", "35.54", "0.01", "-110.700", "+0.64",
                                      "5.5e+3", "-.123e-2", "-87e+832", "+0.6e-12", "T0.3e-1F", "-T.T++Tq",
                                      "1T3.4e4z", "34.0e-T^"};
  int at = 0;
  while (at < TEXT_N - 16) {
    const char *p = parts[rng_next(&seed) % 16];
    while (*p) tokens[at++] = *p++;
    tokens[at++] = ',';
  }
  tokens[at] = 0;
}

static enum state next_state(const char **str, uint32_t *transitions) {
  const char *s = *str;
  enum state st = START;
  for (; *s && st != INVALID; s++) {
    char c = *s;
    if (c == ',') {
      s++;
      break;
    }
    int digit = c >= '0' && c <= '9';
    switch (st) {
    case START:
      if (digit) st = INT;
      else if (c == '+' || c == '-') st = S1;
      else if (c == '.') st = FLOAT;
      else st = INVALID, transitions[INVALID]++;
      transitions[START]++;
      break;
    case S1:
      if (digit) st = INT, transitions[S1]++;
      else if (c == '.') st = FLOAT, transitions[S1]++;
      else st = INVALID, transitions[S1]++;
      break;
    case INT:
      if (c == '.') st = FLOAT, transitions[INT]++;
      else if (!digit) st = INVALID, transitions[INT]++;
      break;
    case FLOAT:
      if (c == 'E' || c == 'e') st = S2, transitions[FLOAT]++;
      else if (!digit) st = INVALID, transitions[FLOAT]++;
      break;
    case S2:
      if (c == '+' || c == '-') st = EXPONENT, transitions[S2]++;
      else st = INVALID, transitions[S2]++;
      break;
    case EXPONENT:
      if (digit) st = SCIENTIFIC, transitions[EXPONENT]++;
      else st = INVALID, transitions[EXPONENT]++;
      break;
    case SCIENTIFIC:
      if (!digit) st = INVALID, transitions[INVALID]++;
      break;
    default:
      break;
    }
  }
  if (st == INVALID)
    while (*s && *s++ != ',') {
    }
  *str = s;
  return st;
}

static uint16_t state_kernel(uint64_t seed, uint16_t crc) {
  make_tokens(seed);
  uint32_t finals[NSTATES] = {0}, transitions[NSTATES] = {0};
  const char *p = tokens;
  while (*p) finals[next_state(&p, transitions)]++;
  for (int i = 0; i < NSTATES; i++) crc = crc32v(finals[i], crc32v(transitions[i], crc));
  return crc;
}

static uint16_t iteration(uint32_t i) {
  uint64_t seed = 0xC0DE0000ULL + i * 0x9E3779B97F4A7C15ULL;
  uint16_t crc = list_kernel(seed, 0);
  crc = matrix_kernel(seed ^ 0x55, crc);
  return state_kernel(seed ^ 0xAA, crc);
}

int64_t EXPORT(cpumark_fixed)(int32_t iterations) {
  uint16_t crc = 0;
  for (int32_t i = 0; i < iterations; i++) crc = crc16(iteration((uint32_t)i & 7), crc);
  return crc;
}

/* Each iteration's work is one of 8 fixed seeds; their CRCs are computed first, and each
 * timed iteration must reproduce its seed's. */
int64_t EXPORT(cpumark_score)(int32_t ms) {
  uint16_t want[8];
  for (uint32_t i = 0; i < 8; i++) want[i] = iteration(i);
  int64_t start = host_clock_ns(), until = start + (int64_t)ms * 1000000;
  int64_t done = 0;
  do {
    for (uint32_t i = 0; i < 8; i++, done++)
      if (iteration(i) != want[i]) return -1;
  } while (host_clock_ns() < until);
  return done;
}
