/* wordfreq: reads text on stdin and prints each word (a run of letters, lowered) with its
 * count, most frequent first, ties in alphabetical order; then a total line. Exits 0, or 2
 * if it runs out of memory. Uses only WASI through wasi-libc (stdio, malloc, qsort). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word { char *text; unsigned count; };

static struct word *words;
static size_t nwords, cap;

static int add(const char *w) {
    for (size_t i = 0; i < nwords; i++)
        if (strcmp(words[i].text, w) == 0) { words[i].count++; return 0; }
    if (nwords == cap) {
        cap = cap ? 2 * cap : 64;
        struct word *n = realloc(words, cap * sizeof *words);
        if (!n) return -1;
        words = n;
    }
    words[nwords].text = strdup(w);
    if (!words[nwords].text) return -1;
    words[nwords++].count = 1;
    return 0;
}

static int by_count(const void *a, const void *b) {
    const struct word *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->text, y->text);
}

int main(void) {
    char buf[256];
    size_t len = 0, total = 0;
    int c;
    do {
        c = getchar();
        if (c != EOF && isalpha(c) && len < sizeof buf - 1) {
            buf[len++] = (char)tolower(c);
        } else if (len > 0) {
            buf[len] = 0;
            len = 0;
            total++;
            if (add(buf)) { fputs("wordfreq: out of memory\n", stderr); return 2; }
        }
    } while (c != EOF);
    qsort(words, nwords, sizeof *words, by_count);
    for (size_t i = 0; i < nwords; i++) printf("%u %s\n", words[i].count, words[i].text);
    printf("total %zu words, %zu distinct\n", total, nwords);
    return 0;
}
