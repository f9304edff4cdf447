#ifndef METRICS_H
#define METRICS_H
#include <evguard/annotations.h>

/* The promise is made on the header declaration; metrics.c defines the
 * functions without repeating it. */
EVGUARD_NONBLOCKING void metrics_incr(const char *name);
EVGUARD_NONBLOCKING void metrics_flush_if_due(void);

#endif
