/* The gasket_precompile host module (docs/wasi.md, "Host module") for C programs built with
 * clang and wasi-libc. Pointers and lengths are offsets into the program's memory; a range
 * outside it, a key over 256 bytes or a value over 64 KiB traps. */
#ifndef GASKET_PRECOMPILE_H
#define GASKET_PRECOMPILE_H
#include <stdint.h>

#define GASKET_IMPORT(name) __attribute__((import_module("gasket_precompile"), import_name(#name)))

/* The value's length, or -1 if absent; copies min(length, cap) bytes to dst. */
GASKET_IMPORT(kv_get) int32_t gasket_kv_get(const void *key, uint32_t key_len, void *dst, uint32_t cap);
/* Sets the key (in this precompile's store for this caller). */
GASKET_IMPORT(kv_put) void gasket_kv_put(const void *key, uint32_t key_len, const void *val, uint32_t val_len);
/* Removes the key; 1 if it was there. */
GASKET_IMPORT(kv_delete) int32_t gasket_kv_delete(const void *key, uint32_t key_len);
/* 20-byte caller address; 20-byte address of this precompile; its 32-byte code hash. */
GASKET_IMPORT(caller) void gasket_caller(uint8_t dst[20]);
GASKET_IMPORT(self_address) void gasket_self_address(uint8_t dst[20]);
GASKET_IMPORT(code_hash) void gasket_code_hash(uint8_t dst[32]);
GASKET_IMPORT(block_height) int64_t gasket_block_height(void);
GASKET_IMPORT(block_time) int64_t gasket_block_time(void);
/* An event with topic_count (at most 4) 32-byte topics and data. */
GASKET_IMPORT(emit_event) void gasket_emit_event(const void *topics, uint32_t topic_count, const void *data, uint32_t data_len);

#endif
