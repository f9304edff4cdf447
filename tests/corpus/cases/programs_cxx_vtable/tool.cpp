#include "job.hpp"

int main() {
  Job *j = new ToolJob();
  j->run();
  delete j;
  return 0;
}
