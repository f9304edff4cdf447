// Opening a std::ofstream in a handler blocks (constructor and open());
// formatting into a std::ostringstream does not.
#include <evguard/annotations.h>
#include <fstream>
#include <sstream>
#include <string>

static std::string last_dump;

EVGUARD_HANDLER void on_dump(int id) {
  std::ostringstream text;
  text << "dump " << id << '\n';
  last_dump = text.str();
  std::ofstream out("/var/tmp/dump.txt", std::ios::app); // EXPECT: evguard-blocking-call callee=std::basic_ofstream::basic_ofstream roots=on_dump
  out << last_dump;
  std::ofstream copy;
  copy.open("/var/tmp/dump.bak"); // EXPECT: evguard-blocking-call callee=std::basic_ofstream::open roots=on_dump
}

int main() { on_dump(1); }
