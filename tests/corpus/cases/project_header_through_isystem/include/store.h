// The project's own header, reached through -isystem (as Bazel's `includes`
// and CMake's SYSTEM include directories do): store_put is still the
// project's code, so its body is followed.
#ifndef STORE_H
#define STORE_H
void store_put(int fd, const char *value);
#endif
