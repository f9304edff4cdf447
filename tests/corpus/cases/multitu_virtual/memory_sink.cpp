#include "sink.h"
#include <vector>

Sink *make_file_sink();

class MemorySink : public Sink {
public:
  void write(const std::string &line) override { lines_.push_back(line); }

private:
  std::vector<std::string> lines_;
};

Sink *make_sink(bool durable) {
  if (durable)
    return make_file_sink();
  return new MemorySink;
}
