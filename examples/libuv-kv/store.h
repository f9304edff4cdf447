#ifndef KV_STORE_H
#define KV_STORE_H
#include <stddef.h>

/* An in-memory table shared with a stats thread, persisted to an
 * append-only file. */
void store_open(const char *aof_path);
const char *store_get(const char *key);
void store_set(const char *key, const char *value);
/* Appends the command to the append-only file and makes it durable. */
void store_log(const char *line, size_t len);
/* Writes a full snapshot; meant to run off the loop. */
void store_snapshot(const char *path);
size_t store_size(void);

#endif
