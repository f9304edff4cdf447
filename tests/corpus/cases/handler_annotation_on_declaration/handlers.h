#ifndef HANDLERS_H
#define HANDLERS_H
#include <evguard/annotations.h>

/* The annotation is on the declaration only; the definition in handlers.c
 * does not repeat it. */
EVGUARD_HANDLER void on_rotate_logs(int signo);

#endif
