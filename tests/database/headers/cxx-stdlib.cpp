// The headers behind annotations/cxx-stdlib.json (libstdc++ 12, C++20).
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <istream>
#include <mutex>
#include <ostream>
#include <shared_mutex>
#include <string>
#include <thread>
#include <barrier>
#include <latch>
#include <semaphore>
