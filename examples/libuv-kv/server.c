/* A line-protocol key-value server on libuv:
 *   GET key | SET key value | SAVE | PEER host
 * It has the bugs evguard exists for: a handler that fsyncs, one that
 * resolves a host name synchronously, one that opens a file synchronously,
 * and a mutex shared with a thread. SAVE does it right: the snapshot runs in
 * uv_queue_work, and evguard does not report it. */
#include "store.h"

#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

static uv_loop_t *loop;

typedef struct {
  uv_tcp_t handle;
  char buf[1024];
  size_t len;
} client_t;

typedef struct {
  uv_write_t req;
  uv_buf_t buf;
} write_req_t;

static void on_write_done(uv_write_t *req, int status) {
  (void)status;
  write_req_t *w = (write_req_t *)req;
  free(w->buf.base);
  free(w);
}

static void reply(client_t *c, const char *text) {
  write_req_t *w = malloc(sizeof *w);
  w->buf = uv_buf_init(strdup(text), (unsigned)strlen(text));
  uv_write(&w->req, (uv_stream_t *)&c->handle, &w->buf, 1, on_write_done);
}

static void on_snapshot(uv_work_t *req) { store_snapshot("dump.kv"); (void)req; }
static void on_snapshot_done(uv_work_t *req, int status) {
  (void)status;
  free(req);
}

/* Looks up a peer to replicate to. */
static void cmd_peer(client_t *c, const char *host) {
  struct addrinfo *res = NULL;
  if (getaddrinfo(host, "7000", NULL, &res) != 0) { // EXPECT: evguard-blocking-call callee=getaddrinfo roots=on_read
    reply(c, "-ERR unknown host\r\n");
    return;
  }
  freeaddrinfo(res);
  reply(c, "+OK\r\n");
}

static void cmd_set(client_t *c, const char *key, const char *value) {
  char line[512];
  int n = snprintf(line, sizeof line, "SET %s %s\n", key, value);
  store_set(key, value);
  store_log(line, (size_t)n);
  reply(c, "+OK\r\n");
}

static void cmd_get(client_t *c, const char *key) {
  const char *v = store_get(key);
  char out[300];
  snprintf(out, sizeof out, v ? "$%s\r\n" : "$-1\r\n", v);
  reply(c, out);
}

static void execute(client_t *c, char *line) {
  char *cmd = strtok(line, " \r\n");
  char *a = strtok(NULL, " \r\n");
  char *b = strtok(NULL, " \r\n");
  if (!cmd)
    return;
  if (strcmp(cmd, "GET") == 0 && a)
    cmd_get(c, a);
  else if (strcmp(cmd, "SET") == 0 && a && b)
    cmd_set(c, a, b);
  else if (strcmp(cmd, "PEER") == 0 && a)
    cmd_peer(c, a);
  else if (strcmp(cmd, "SAVE") == 0) {
    uv_work_t *req = malloc(sizeof *req);
    uv_queue_work(loop, req, on_snapshot, on_snapshot_done);
    reply(c, "+Background saving started\r\n");
  } else
    reply(c, "-ERR unknown command\r\n");
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)h;
  buf->base = malloc(suggested);
  buf->len = suggested;
}

static void on_close(uv_handle_t *h) { free(h); }

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  client_t *c = (client_t *)stream;
  if (nread < 0) {
    uv_close((uv_handle_t *)stream, on_close);
    free(buf->base);
    return;
  }
  for (ssize_t i = 0; i < nread; i++) {
    if (c->len < sizeof c->buf - 1)
      c->buf[c->len++] = buf->base[i];
    if (buf->base[i] == '\n') {
      c->buf[c->len] = '\0';
      execute(c, c->buf);
      c->len = 0;
    }
  }
  free(buf->base);
}

static void on_connection(uv_stream_t *server, int status) {
  if (status < 0)
    return;
  client_t *c = calloc(1, sizeof *c);
  uv_tcp_init(loop, &c->handle);
  if (uv_accept(server, (uv_stream_t *)&c->handle) == 0)
    uv_read_start((uv_stream_t *)&c->handle, on_alloc, on_read);
  else
    uv_close((uv_handle_t *)&c->handle, on_close);
}

/* Every second: rotate the access log. */
static void on_tick(uv_timer_t *timer) {
  (void)timer;
  uv_fs_t req;
  /* A NULL callback makes libuv do it synchronously, on the loop. */
  uv_fs_open(loop, &req, "access.log", O_WRONLY | O_CREAT | O_APPEND, 0644, NULL); // EXPECT: evguard-blocking-call callee=uv_fs_open roots=on_tick
  uv_fs_req_cleanup(&req);
}

static void *stats_thread(void *arg) {
  (void)arg;
  for (;;) {
    printf("keys: %zu\n", store_size());
    sleep(10); /* a thread of its own: not the loop */
  }
  return NULL;
}

int main(void) {
  loop = uv_default_loop();
  store_open("appendonly.kv");
  pthread_t stats;
  pthread_create(&stats, NULL, stats_thread, NULL);

  uv_tcp_t server;
  struct sockaddr_in addr;
  uv_tcp_init(loop, &server);
  uv_ip4_addr("127.0.0.1", 7000, &addr);
  uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0);
  uv_listen((uv_stream_t *)&server, 128, on_connection);

  uv_timer_t tick;
  uv_timer_init(loop, &tick);
  uv_timer_start(&tick, on_tick, 1000, 1000);
  return uv_run(loop, UV_RUN_DEFAULT);
}
