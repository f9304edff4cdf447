#include "store.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_KEYS 1024

struct entry {
  char key[64];
  char value[256];
};

static struct entry table[MAX_KEYS];
static size_t used;
/* Held by the stats thread while it walks the table. */
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static int aof_fd = -1;

void store_open(const char *aof_path) {
  aof_fd = open(aof_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
}

const char *store_get(const char *key) {
  const char *found = NULL;
  pthread_mutex_lock(&table_lock); // EXPECT: evguard-blocking-call callee=pthread_mutex_lock roots=on_read
  for (size_t i = 0; i < used; i++)
    if (strcmp(table[i].key, key) == 0)
      found = table[i].value;
  pthread_mutex_unlock(&table_lock);
  return found;
}

void store_set(const char *key, const char *value) {
  pthread_mutex_lock(&table_lock); // EXPECT: evguard-blocking-call callee=pthread_mutex_lock roots=on_read
  if (used < MAX_KEYS) {
    snprintf(table[used].key, sizeof table[used].key, "%s", key);
    snprintf(table[used].value, sizeof table[used].value, "%s", value);
    used++;
  }
  pthread_mutex_unlock(&table_lock);
}

void store_log(const char *line, size_t len) {
  if (aof_fd < 0)
    return;
  write(aof_fd, line, len); // EXPECT: evguard-blocking-call callee=write roots=on_read
  fsync(aof_fd); /* durable before we answer: stalls every client */ // EXPECT: evguard-blocking-call callee=fsync roots=on_read
}

void store_snapshot(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f)
    return;
  pthread_mutex_lock(&table_lock);
  for (size_t i = 0; i < used; i++)
    fprintf(f, "%s %s\n", table[i].key, table[i].value);
  pthread_mutex_unlock(&table_lock);
  fclose(f);
}

size_t store_size(void) { return used; }
