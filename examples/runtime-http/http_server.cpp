// A small HTTP/1.1 server on evguard's runtime: keep-alive and pipelining,
// GET/HEAD of a few in-memory resources, an idle timeout per connection, a
// route whose work is offloaded to the worker pool, and a 4xx answer (then
// close) for anything malformed.
//
//   runtime-http PORT [ADDRESS]     (PORT 0 picks a free port; the chosen
//                                    one is printed on the first line)
//
//   GET /           a small HTML page
//   GET /hello      "hello, world\n"
//   GET /stats      JSON counters
//   GET /primes?n=N the number of primes below N (N <= 10,000,000), counted
//                   on the worker pool with Loop::offload, so a big N does not
//                   stall the other connections
#include "evguard/loop.h"
#include "evguard/net.h"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxHeader = 8 * 1024;
constexpr std::size_t kMaxBody = 64 * 1024;
constexpr auto kIdleTimeout = 15s;

struct Request {
  std::string_view method, target;
  bool http10 = false;
  bool close = false;
  std::size_t length = 0; // header + body bytes consumed
};

/// What parse_request makes of the head of the input buffer.
enum class Parse { complete, incomplete, bad, too_large, unsupported };

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

Parse parse_request(std::string_view in, Request &req) {
  std::size_t end = in.find("\r\n\r\n");
  if (end == std::string_view::npos)
    return in.size() > kMaxHeader ? Parse::too_large : Parse::incomplete;
  if (end > kMaxHeader)
    return Parse::too_large;
  std::string_view head = in.substr(0, end);
  std::size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2 || sp1 == 0)
    return Parse::bad;
  req.method = line.substr(0, sp1);
  req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (req.target.empty() || req.target.find(' ') != std::string_view::npos)
    return Parse::bad;
  if (version == "HTTP/1.0")
    req.http10 = true;
  else if (version != "HTTP/1.1")
    return version.starts_with("HTTP/") ? Parse::unsupported : Parse::bad;
  req.close = req.http10;

  std::size_t body = 0;
  std::string_view rest = eol == std::string_view::npos ? std::string_view{}
                                                        : head.substr(eol + 2);
  while (!rest.empty()) {
    std::size_t next = rest.find("\r\n");
    std::string_view field = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 2);
    std::size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        field.substr(0, colon).find_first_of(" \t") != std::string_view::npos)
      return Parse::bad;
    std::string_view name = field.substr(0, colon);
    std::string_view value = trim(field.substr(colon + 1));
    if (iequals(name, "connection")) {
      if (iequals(value, "close"))
        req.close = true;
      else if (iequals(value, "keep-alive"))
        req.close = false;
    } else if (iequals(name, "content-length")) {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), body);
      if (ec != std::errc() || p != value.data() + value.size())
        return Parse::bad;
      if (body > kMaxBody)
        return Parse::too_large;
    } else if (iequals(name, "transfer-encoding")) {
      return Parse::unsupported; // no chunked request bodies here
    }
  }
  if (in.size() < end + 4 + body)
    return Parse::incomplete;
  req.length = end + 4 + body;
  return Parse::complete;
}

// The offloaded work: deliberately CPU-heavy, so it must not run on the loop.
long count_primes_below(long n) {
  if (n < 3)
    return 0;
  std::vector<bool> composite(static_cast<std::size_t>(n), false);
  long count = 0;
  for (long i = 2; i < n; ++i) {
    if (composite[i])
      continue;
    ++count;
    for (long j = i * i; j < n; j += i)
      composite[j] = true;
  }
  return count;
}

struct Conn {
  int fd = -1;
  evguard::WatchId watch;
  evguard::TimerId idle;
  std::string in, out;
  bool close_after_flush = false;
  bool waiting = false; // an offloaded request is in flight: stop parsing
  bool dead = false;    // to be closed once the current handler is done
};

class HttpServer {
public:
  explicit HttpServer(evguard::Loop &loop) : loop_(loop) {}
  ~HttpServer() { shutdown(); }

  std::error_code listen(const char *address, std::uint16_t port) {
    auto fd = evguard::tcp_listen(address, port);
    if (!fd)
      return fd.error();
    listen_fd_ = *fd;
    auto id = loop_.watch(listen_fd_, evguard::Io::readable,
                          [this](const evguard::IoEvent &) { accept_all(); },
                          "http.accept");
    if (!id)
      return id.error();
    listener_ = *id;
    return {};
  }

  std::uint16_t port() const {
    auto p = evguard::local_port(listen_fd_);
    return p ? *p : 0;
  }

  void shutdown() {
    if (listen_fd_ < 0)
      return;
    (void)loop_.unwatch(listener_);
    close(listen_fd_);
    listen_fd_ = -1;
    while (!conns_.empty())
      close_conn(*conns_.begin()->second);
  }

private:
  void accept_all() {
    for (;;) {
      auto fd = evguard::tcp_accept(listen_fd_);
      if (!fd) {
        if (fd.error() != std::errc::resource_unavailable_try_again)
          std::fprintf(stderr, "accept: %s\n", fd.error().message().c_str());
        return;
      }
      auto conn = std::make_unique<Conn>();
      Conn &c = *conn;
      c.fd = *fd;
      auto watch = loop_.watch(c.fd, evguard::Io::readable,
                               [this, &c](const evguard::IoEvent &ev) {
                                 on_io(c, ev);
                                 close_if_dead(c);
                               },
                               "http.conn");
      auto idle = loop_.start_timer(kIdleTimeout, 0ns,
                                    [this, &c](evguard::TimerId) { close_conn(c); },
                                    "http.idle");
      if (!watch || !idle) {
        if (watch)
          (void)loop_.unwatch(*watch);
        close(c.fd);
        continue;
      }
      c.watch = *watch;
      c.idle = *idle;
      ++stats_.connections;
      conns_.emplace(c.fd, std::move(conn));
    }
  }

  // Handlers only mark a connection dead; the top of each handler closes
  // it, so nothing below ever touches a destroyed Conn.
  void close_if_dead(Conn &c) {
    if (c.dead)
      close_conn(c);
  }

  void on_io(Conn &c, const evguard::IoEvent &ev) {
    if (any(ev.events & evguard::Io::writable)) {
      flush(c);
      return;
    }
    char buf[16 * 1024];
    auto n = evguard::read_some(c.fd, buf, sizeof buf);
    if (!n) {
      c.dead = n.error() != std::errc::resource_unavailable_try_again;
      return;
    }
    if (*n == 0) {
      c.dead = true;
      return;
    }
    (void)loop_.restart_timer(c.idle, kIdleTimeout);
    c.in.append(buf, *n);
    process(c);
  }

  /// Answers every complete request in the input, in order.
  void process(Conn &c) {
    while (!c.waiting && !c.close_after_flush && !c.dead) {
      Request req;
      switch (parse_request(c.in, req)) {
      case Parse::incomplete:
        return;
      case Parse::bad:
        return fail(c, 400, "Bad Request");
      case Parse::too_large:
        return fail(c, 431, "Request Header Fields Too Large");
      case Parse::unsupported:
        return fail(c, 501, "Not Implemented");
      case Parse::complete:
        break;
      }
      respond(c, req);
      c.in.erase(0, req.length);
    }
  }

  void respond(Conn &c, const Request &req) {
    ++stats_.requests;
    const bool head = req.method == "HEAD";
    if (req.method != "GET" && !head)
      return reply(c, req, 405, "Method Not Allowed", "text/plain",
                   "only GET and HEAD\n", "Allow: GET, HEAD\r\n");
    std::string_view path = req.target.substr(0, req.target.find('?'));
    if (path == "/")
      return reply(c, req, 200, "OK", "text/html",
                   "<!doctype html><title>evguard</title>"
                   "<h1>Hello from an evguard loop</h1>\n");
    if (path == "/hello")
      return reply(c, req, 200, "OK", "text/plain", "hello, world\n");
    if (path == "/stats")
      return reply(c, req, 200, "OK", "application/json",
                   "{\"connections\": " + std::to_string(stats_.connections) +
                       ", \"requests\": " + std::to_string(stats_.requests) +
                       ", \"open\": " + std::to_string(conns_.size()) + "}\n");
    if (path == "/primes")
      return primes(c, req);
    reply(c, req, 404, "Not Found", "text/plain", "not found\n");
  }

  void primes(Conn &c, const Request &req) {
    std::string_view query = req.target.substr(req.target.find('?') + 1);
    long n = -1;
    if (query.starts_with("n=")) {
      auto [p, ec] = std::from_chars(query.data() + 2, query.data() + query.size(), n);
      if (ec != std::errc() || p != query.data() + query.size())
        n = -1;
    }
    if (n < 0 || n > 10'000'000)
      return reply(c, req, 400, "Bad Request", "text/plain",
                   "want /primes?n=N with 0 <= N <= 10000000\n");
    // The result and the request's answer shape outlive this call.
    auto result = std::make_shared<long>(0);
    bool head = req.method == "HEAD", close = req.close, http10 = req.http10;
    evguard::WatchId watch = c.watch;
    int fd = c.fd;
    std::error_code ec = loop_.offload(
        [result, n] { *result = count_primes_below(n); },
        [this, fd, watch, result, n, head, close, http10] {
          auto it = conns_.find(fd);
          if (it == conns_.end() || !(it->second->watch == watch))
            return; // the connection closed meanwhile
          Conn &c = *it->second;
          c.waiting = false;
          Request again{head ? "HEAD" : "GET", "", http10, close, 0};
          reply(c, again, 200, "OK", "text/plain",
                "primes below " + std::to_string(n) + ": " +
                    std::to_string(*result) + "\n");
          process(c); // requests pipelined behind this one
          close_if_dead(c);
        },
        "http.primes");
    if (ec == std::errc::resource_unavailable_try_again)
      return reply(c, req, 503, "Service Unavailable", "text/plain",
                   "busy, retry later\n", "Retry-After: 1\r\n");
    if (ec)
      return reply(c, req, 500, "Internal Server Error", "text/plain",
                   ec.message() + "\n");
    c.waiting = true;
  }

  void fail(Conn &c, int status, const char *reason) {
    Request req;
    req.close = true;
    reply(c, req, status, reason, "text/plain", std::string(reason) + "\n");
  }

  void reply(Conn &c, const Request &req, int status, const char *reason,
             const char *type, const std::string &body,
             const char *extra_headers = "") {
    char head[256];
    int len = std::snprintf(
        head, sizeof head,
        "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s%s\r\n",
        status, reason, type, body.size(), extra_headers,
        req.close ? "Connection: close\r\n" : "");
    c.out.append(head, static_cast<std::size_t>(len));
    if (req.method != "HEAD")
      c.out += body;
    if (req.close)
      c.close_after_flush = true;
    flush(c);
  }

  void flush(Conn &c) {
    while (!c.out.empty()) {
      auto w = evguard::write_some(c.fd, c.out.data(), c.out.size());
      if (!w) {
        if (w.error() == std::errc::resource_unavailable_try_again) {
          (void)loop_.modify(c.watch, evguard::Io::writable);
          return;
        }
        c.dead = true;
        return;
      }
      c.out.erase(0, *w);
    }
    if (c.close_after_flush)
      c.dead = true;
    else
      (void)loop_.modify(c.watch, evguard::Io::readable);
  }

  void close_conn(Conn &c) {
    (void)loop_.unwatch(c.watch);
    (void)loop_.cancel_timer(c.idle);
    close(c.fd);
    conns_.erase(c.fd); // destroys c
  }

  struct Stats {
    unsigned long connections = 0, requests = 0;
  };

  evguard::Loop &loop_;
  int listen_fd_ = -1;
  evguard::WatchId listener_;
  std::unordered_map<int, std::unique_ptr<Conn>> conns_;
  Stats stats_;
};

} // namespace

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s PORT [ADDRESS]\n", argv[0]);
    return 2;
  }
  char *end = nullptr;
  long port = std::strtol(argv[1], &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) {
    std::fprintf(stderr, "%s: bad port '%s' (0-65535)\n", argv[0], argv[1]);
    return 2;
  }
  const char *address = argc == 3 ? argv[2] : "127.0.0.1";
  auto loop = evguard::Loop::create();
  if (!loop) {
    std::fprintf(stderr, "cannot create the loop: %s\n", loop.error().message().c_str());
    return 1;
  }
  auto server = std::make_unique<HttpServer>(**loop);
  if (std::error_code ec = server->listen(address, static_cast<std::uint16_t>(port))) {
    std::fprintf(stderr, "listen on %s:%ld: %s\n", address, port, ec.message().c_str());
    return 1;
  }
  for (int sig : {SIGINT, SIGTERM}) {
    auto id = (*loop)->watch_signal(sig, [&](const evguard::SignalEvent &ev) {
      server->shutdown();
      (void)(*loop)->unwatch_signal(ev.id);
      (*loop)->stop();
    });
    if (!id) {
      std::fprintf(stderr, "watch signal %d: %s\n", sig, id.error().message().c_str());
      return 1;
    }
  }
  std::printf("evguard http server listening on http://%s:%u/\n", address,
              static_cast<unsigned>(server->port()));
  std::fflush(stdout);
  if (std::error_code ec = (*loop)->run()) {
    std::fprintf(stderr, "run: %s\n", ec.message().c_str());
    return 1;
  }
  return 0;
}
