#include "sink.h"
#include <cstdio>

class FileSink : public Sink {
public:
  void write(const std::string &line) override {
    std::FILE *f = std::fopen("/var/tmp/requests.log", "a"); // EXPECT: evguard-blocking-call callee=fopen roots=on_request
    std::fputs(line.c_str(), f); // EXPECT: evguard-blocking-call callee=fputs roots=on_request
    std::fclose(f); // EXPECT: evguard-blocking-call callee=fclose roots=on_request
  }
};

Sink *make_file_sink() { return new FileSink; }
