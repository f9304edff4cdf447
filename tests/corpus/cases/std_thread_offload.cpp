// Work handed to a std::thread runs off the loop thread: neither the lambda
// nor the function given to the constructor is followed.
#include <evguard/annotations.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <fcntl.h>

static void compact(std::string path) {
  int fd = open(path.c_str(), O_RDWR);
  fsync(fd);
  close(fd);
}

EVGUARD_HANDLER void on_compact_request(const std::string &path) {
  std::thread(compact, path).detach();
  std::thread([path] {
    sleep(1);
    compact(path);
  }).detach();
}

int main() { on_compact_request("/var/tmp/db"); }
