/* An nginx-like event struct: the loop calls ev->handler(ev) when the event
 * fires. nginx_db.json names the field as a handler field. */
#ifndef EVENT_H
#define EVENT_H

typedef struct ngx_event_s ngx_event_t;
typedef void (*ngx_event_handler_pt)(ngx_event_t *ev);

struct ngx_event_s {
  void *data;
  unsigned ready : 1;
  ngx_event_handler_pt handler;
};

typedef struct {
  int fd;
  ngx_event_t *read;
  ngx_event_t *write;
} ngx_connection_t;

void ngx_process_events_and_timers(void);

#endif
