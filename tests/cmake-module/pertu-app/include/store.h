#ifndef STORE_H
#define STORE_H
void store_put(const char *key, const char *value);
#endif
