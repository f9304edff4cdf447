#pragma once
#include <string>

class Sink {
public:
  virtual ~Sink() = default;
  virtual void write(const std::string &line) = 0;
};

Sink *make_sink(bool durable);
