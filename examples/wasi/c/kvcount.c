/* kvcount: a precompile that counts, per caller, how often each name was given. Reads a name
 * on stdin (trailing newlines dropped), adds 1 to its count in the gasket_precompile store
 * (scoped to this precompile and the caller), emits an event (topic: the name, zero-padded to
 * 32 bytes; data: the new count, u64 LE) and prints "NAME COUNT height H caller HEX". An empty
 * name exits 1 without changing anything; a name over 32 bytes exits 2. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gasket_precompile.h"

int main(void) {
    char name[64];
    size_t len = fread(name, 1, sizeof name, stdin);
    while (len > 0 && (name[len - 1] == '\n' || name[len - 1] == '\r')) len--;
    if (len == 0) { fputs("kvcount: empty name\n", stderr); return 1; }
    if (len > 32) { fputs("kvcount: name over 32 bytes\n", stderr); return 2; }
    uint64_t count = 0;
    int32_t have = gasket_kv_get(name, (uint32_t)len, &count, sizeof count);
    if (have >= 0 && have != (int32_t)sizeof count) { fputs("kvcount: corrupt count\n", stderr); return 3; }
    count++;
    gasket_kv_put(name, (uint32_t)len, &count, sizeof count);
    uint8_t topic[32] = {0};
    memcpy(topic, name, len);
    gasket_emit_event(topic, 1, &count, sizeof count);
    uint8_t caller[20];
    gasket_caller(caller);
    printf("%.*s %llu height %lld caller ", (int)len, name, (unsigned long long)count, (long long)gasket_block_height());
    for (int i = 0; i < 20; i++) printf("%02x", caller[i]);
    printf("\n");
    return 0;
}
