// The echo server on libuv: the same structure as
// examples/runtime-echo/echo_server.cpp (the evguard one),
// idiomatic libuv (uv_read_start with one shared buffer, uv_try_write, and
// uv_write only for what the socket refuses).
#include "echo_common.h"

#include <cstring>
#include <uv.h>

namespace {

char g_buf[echo_bench::kReadBuffer];

struct WriteReq {
  uv_write_t req;
  char data[1]; // sized at allocation
};

void on_close(uv_handle_t *h) { delete reinterpret_cast<uv_tcp_t *>(h); }

void on_alloc(uv_handle_t *, size_t, uv_buf_t *buf) {
  *buf = uv_buf_init(g_buf, sizeof g_buf);
}

void on_written(uv_write_t *req, int) { std::free(req); }

void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf) {
  if (n < 0) {
    uv_close(reinterpret_cast<uv_handle_t *>(stream), on_close);
    return;
  }
  if (n == 0)
    return;
  uv_buf_t out = uv_buf_init(buf->base, static_cast<unsigned>(n));
  int w = uv_try_write(stream, &out, 1);
  if (w == n)
    return;
  if (w < 0 && w != UV_EAGAIN) {
    uv_close(reinterpret_cast<uv_handle_t *>(stream), on_close);
    return;
  }
  size_t done = w > 0 ? static_cast<size_t>(w) : 0;
  size_t rest = static_cast<size_t>(n) - done;
  auto *req = static_cast<WriteReq *>(std::malloc(sizeof(WriteReq) + rest));
  std::memcpy(req->data, buf->base + done, rest);
  uv_buf_t tail = uv_buf_init(req->data, static_cast<unsigned>(rest));
  uv_write(&req->req, stream, &tail, 1, on_written);
}

void on_connection(uv_stream_t *server, int status) {
  if (status < 0)
    return;
  auto *client = new uv_tcp_t;
  uv_tcp_init(server->loop, client);
  if (uv_accept(server, reinterpret_cast<uv_stream_t *>(client)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t *>(client), on_close);
    return;
  }
  uv_tcp_nodelay(client, 1);
  uv_read_start(reinterpret_cast<uv_stream_t *>(client), on_alloc, on_read);
}

} // namespace

int main(int argc, char **argv) {
  int port = echo_bench::parse_port(argc, argv);
  uv_loop_t *loop = uv_default_loop();
  uv_tcp_t server;
  uv_tcp_init(loop, &server);
  sockaddr_in addr;
  uv_ip4_addr("127.0.0.1", port, &addr);
  int rc = uv_tcp_bind(&server, reinterpret_cast<const sockaddr *>(&addr), 0);
  if (rc == 0)
    rc = uv_listen(reinterpret_cast<uv_stream_t *>(&server), 1024, on_connection);
  if (rc != 0) {
    std::fprintf(stderr, "listen on 127.0.0.1:%d: %s\n", port, uv_strerror(rc));
    return 1;
  }
  echo_bench::announce_ready("libuv", port);
  return uv_run(loop, UV_RUN_DEFAULT);
}
