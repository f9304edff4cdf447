/* A minimal epoll loop. Its registration functions say, in source, which
 * parameters take handlers: evguard needs no database entry for them. */
#ifndef CHAT_LOOP_H
#define CHAT_LOOP_H
#include <evguard/annotations.h>

struct loop;
typedef void (*fd_handler)(struct loop *l, int fd, void *data);
typedef void (*timer_handler)(struct loop *l, void *data);

struct loop *loop_new(void);
int loop_add_fd(struct loop *l, int fd, EVGUARD_REGISTERS_HANDLER fd_handler on_readable, void *data);
void loop_del_fd(struct loop *l, int fd);
int loop_every(struct loop *l, int ms, EVGUARD_REGISTERS_HANDLER timer_handler on_tick, void *data);
void loop_run(struct loop *l);

#endif
