// Cross-TU virtual dispatch: the handler calls Sink::write; the overrides are
// defined in two other files, and only the durable one blocks.
#include "sink.h"
#include <evguard/annotations.h>

static Sink *log_sink;

EVGUARD_HANDLER void on_request(const std::string &line) { log_sink->write(line); }

int main() {
  log_sink = make_sink(true);
  on_request("GET /");
}
