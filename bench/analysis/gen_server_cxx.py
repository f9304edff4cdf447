#!/usr/bin/env python3
"""Writes a synthetic event-driven C++ server for benchmarking evguard at
scale, with its compile_commands.json and expected-findings.json.

The shape of a C++ server on a home-grown loop: every TU includes the standard
library headers real servers include (<string>, <vector>, <map>,
<functional>, <memory>, <mutex>), which is where most of a C++ TU's parse
time goes. A loop whose registration takes std::function handlers
(EVGUARD_REGISTERS_HANDLER), lambdas registered by connection code, a command
table (std::map of function pointers) dispatched from the read handler,
services behind a virtual interface, helper templates, and a storage layer
with blocking calls planted (fsync, usleep, a std::mutex, open, rename). The
TUs are spread over ten modules, each with its own header, so touching one
module header touches a tenth of the program. Every planted call in the
storage layer is reachable from a handler (through a command or a service);
the ones planted in startup code are not.

Usage: gen_server_cxx.py OUT_DIR [--tus N] [--seed S]
"""

import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ANNOTATIONS_INCLUDE = os.path.normpath(os.path.join(HERE, "..", "..", "runtime", "include"))
MODULES = 10

STD_HEADERS = ["string", "vector", "map", "functional", "memory", "mutex", "cstdint",
               "cstring", "fcntl.h", "unistd.h", "cstdio"]

BLOCKING = [
    ("    if (::fsync(fd_) != 0) ++errors_;", "fsync"),
    ("    ::usleep(delay_us_);", "usleep"),
    ("    std::lock_guard<std::mutex> guard(mu_);", "std::lock_guard::lock_guard"),
    ("    int tmp = ::open(path_.c_str(), O_RDONLY);", "open"),
    ("    if (::rename(path_.c_str(), tmp_.c_str()) != 0) ++errors_;", "rename"),
]


def header(out):
    lines = ["#pragma once"] + ["#include <%s>" % h for h in STD_HEADERS] + [
        "#include <evguard/annotations.h>",
        "",
        "namespace synth {",
        "class Loop {",
        " public:",
        "  void add_fd(int fd, EVGUARD_REGISTERS_HANDLER std::function<void(int)> cb);",
        "  void add_timer(long ms, EVGUARD_REGISTERS_HANDLER std::function<void()> cb);",
        "  void run();",
        " private:",
        "  std::map<int, std::function<void(int)>> fds_;",
        "  std::vector<std::function<void()>> timers_;",
        "};",
        "struct Client {",
        "  int fd = -1;",
        "  std::vector<std::string> argv;",
        "  std::string reply;",
        "};",
        "using CommandProc = void (*)(Client &);",
        "std::map<std::string, CommandProc> &command_table();",
        "class Service {",
        " public:",
        "  virtual ~Service() = default;",
        "  virtual void handle(Client &c) = 0;",
        "};",
        "std::vector<std::unique_ptr<Service>> &services();",
        "template <typename T> T clamp_value(T v, T lo, T hi) { return v < lo ? lo : hi < v ? hi : v; }",
        "template <typename C> std::size_t total_size(const C &items) {",
        "  std::size_t n = 0;",
        "  for (const auto &i : items) n += i.size();",
        "  return n;",
        "}",
        "}  // namespace synth",
    ]
    write(out, "include/server.hpp", lines)


def write(out, rel, lines):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--tus", type=int, default=150, help="translation units (at least 20)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.tus < 20:
        sys.exit("gen_server_cxx.py: --tus must be at least 20")
    rng = random.Random(args.seed)
    out = os.path.abspath(args.out)
    header(out)

    n = args.tus - 3  # loop.cpp, net.cpp, main.cpp
    n_util, n_store, n_svc = n * 3 // 10, n * 2 // 10, n * 2 // 10
    n_cmd = n - n_util - n_store - n_svc
    tus = []            # (module, relative path, lines)
    module_decls = {m: [] for m in range(MODULES)}
    expected = []
    utils, stores = [], []

    def module_of(i):
        return i % MODULES

    def tu_lines(*mods):
        return (['#include "server.hpp"'] + ['#include "mod_%d.hpp"' % x for x in sorted(set(mods))]
                + ["", "namespace synth {"])

    for i in range(n_util):
        m = module_of(i)
        name = "util_%d" % i
        utils.append((name, m))
        module_decls[m].append("std::size_t %s(const std::vector<std::string> &v, int k);" % name)
        body = tu_lines(m) + [
            "std::size_t %s(const std::vector<std::string> &v, int k) {" % name,
            "  std::vector<std::string> copy(v.begin(), v.end());",
            "  std::map<std::string, int> counts;",
            "  for (const auto &s : copy) counts[s] += k;",
            "  return clamp_value<std::size_t>(total_size(copy) + counts.size(), 0, %d);" % rng.randint(100, 10000),
            "}",
            "}  // namespace synth"]
        tus.append((m, "src/util/%s.cpp" % name, body))

    for i in range(n_store):
        m = module_of(i)
        cls = "Store%d" % i
        fn = "store_flush_%d" % i
        stores.append((fn, m))
        module_decls[m].append("void %s(Client &c);" % fn)
        snippet, callee = BLOCKING[i % len(BLOCKING)]
        body = tu_lines(m) + [
            "namespace {",
            "class %s {" % cls,
            " public:",
            "  void flush(const std::string &data) {",
            snippet,
            "    reply_ = data;",
            "  }",
            "  std::string reply_;",
            " private:",
            "  int fd_ = 3, errors_ = 0;",
            "  unsigned delay_us_ = 10;",
            "  std::mutex mu_;",
            '  std::string path_ = "/var/lib/synth/%d", tmp_ = "/var/lib/synth/%d.tmp";' % (i, i),
            "};",
            "}  // namespace",
            "void %s(Client &c) {" % fn,
            "  static %s store;" % cls,
            "  store.flush(c.argv.empty() ? std::string() : c.argv.front());",
            "  c.reply = store.reply_;",
            "}",
            "}  // namespace synth"]
        expected.append({"file": "src/store/store_%d.cpp" % i, "line": body.index(snippet) + 1,
                         "callee": callee})
        tus.append((m, "src/store/store_%d.cpp" % i, body))

    for i in range(n_svc):
        m = module_of(i)
        cls = "Service%d" % i
        store, store_m = stores[i % len(stores)]
        util, util_m = utils[i % len(utils)]
        module_decls[m].append("std::unique_ptr<Service> make_service_%d();" % i)
        body = tu_lines(m, store_m, util_m) + [
            "namespace {",
            "class %s final : public Service {" % cls,
            " public:",
            "  void handle(Client &c) override {",
            "    if (%s(c.argv, %d) > %d) %s(c);" % (util, i, rng.randint(1, 50), store),
            "  }",
            "};",
            "}  // namespace",
            "std::unique_ptr<Service> make_service_%d() { return std::make_unique<%s>(); }" % (i, cls),
            "}  // namespace synth"]
        tus.append((m, "src/svc/svc_%d.cpp" % i, body))

    commands = []
    for i in range(n_cmd):
        m = module_of(i)
        fn = "cmd_%d" % i
        commands.append(fn)
        module_decls[m].append("void %s(Client &c);" % fn)
        util, util_m = utils[(i * 7) % len(utils)]
        # Every store function is called by at least one command.
        store, store_m = stores[i % len(stores)]
        body = tu_lines(m, util_m, store_m) + [
            "void %s(Client &c) {" % fn,
            "  auto n = %s(c.argv, %d);" % (util, i),
            "  c.reply = std::to_string(n);",
            "  if (n %% %d == 0) %s(c);" % (rng.randint(2, 5), store),
            "}",
            "}  // namespace synth"]
        tus.append((m, "src/cmd/cmd_%d.cpp" % i, body))

    for m in range(MODULES):
        write(out, "include/mod_%d.hpp" % m,
              ["#pragma once", '#include "server.hpp"', "namespace synth {"] +
              module_decls[m] + ["}  // namespace synth"])

    all_mods = ['#include "mod_%d.hpp"' % m for m in range(MODULES)]
    tus.append((None, "src/loop.cpp", ['#include "server.hpp"', "", "namespace synth {",
        "void Loop::add_fd(int fd, std::function<void(int)> cb) { fds_[fd] = std::move(cb); }",
        "void Loop::add_timer(long, std::function<void()> cb) { timers_.push_back(std::move(cb)); }",
        "void Loop::run() {",
        "  for (auto &t : timers_) t();",
        "  for (auto &[fd, cb] : fds_) cb(fd);",
        "}",
        "std::map<std::string, CommandProc> &command_table() {",
        "  static std::map<std::string, CommandProc> table;",
        "  return table;",
        "}",
        "std::vector<std::unique_ptr<Service>> &services() {",
        "  static std::vector<std::unique_ptr<Service>> all;",
        "  return all;",
        "}",
        "}  // namespace synth"]))
    tus.append((None, "src/net.cpp", ['#include "server.hpp"', "", "namespace synth {",
        "class Connection {",
        " public:",
        "  explicit Connection(Loop &loop) : loop_(loop) {}",
        "  void start(int fd) { loop_.add_fd(fd, [this](int ready) { on_read(ready); }); }",
        " private:",
        "  void on_read(int fd) {",
        "    client_.fd = fd;",
        "    auto it = command_table().find(client_.argv.empty() ? std::string() : client_.argv[0]);",
        "    if (it != command_table().end()) it->second(client_);",
        "    for (auto &s : services()) s->handle(client_);",
        "  }",
        "  Loop &loop_;",
        "  Client client_;",
        "};",
        "void start_connection(Loop &loop, int fd) {",
        "  static std::vector<std::unique_ptr<Connection>> conns;",
        "  conns.push_back(std::make_unique<Connection>(loop));",
        "  conns.back()->start(fd);",
        "}",
        "}  // namespace synth"]))
    main_lines = ['#include "server.hpp"'] + all_mods + ["", "namespace synth {",
        "void start_connection(Loop &loop, int fd);",
        "static void load_config() {",
        '  int fd = ::open("/etc/synth.conf", O_RDONLY);',
        "  if (fd >= 0) ::fsync(fd);",
        "}",
        "}  // namespace synth", "",
        "int main() {",
        "  using namespace synth;",
        "  load_config();"]
    main_lines += ['  command_table()["%s"] = %s;' % (c, c) for c in commands]
    main_lines += ["  services().push_back(make_service_%d());" % i for i in range(n_svc)]
    main_lines += ["  Loop loop;", "  start_connection(loop, 5);",
                   "  loop.add_timer(100, [] { command_table().size(); });",
                   "  loop.run();", "}"]
    tus.append((None, "src/main.cpp", main_lines))

    cdb = []
    for m, rel, lines in tus:
        path = write(out, rel, lines)
        cdb.append({"directory": out, "file": path,
                    "arguments": ["c++", "-std=c++20", "-O2", "-g", "-I" + os.path.join(out, "include"),
                                  "-I" + ANNOTATIONS_INCLUDE, "-c", path, "-o", rel + ".o"]})
    with open(os.path.join(out, "compile_commands.json"), "w") as f:
        json.dump(cdb, f, indent=1)
    with open(os.path.join(out, "expected-findings.json"), "w") as f:
        json.dump({"findings": expected}, f, indent=1)
    print("gen_server_cxx.py: %d TUs (%d commands, %d services, %d stores) -> %s"
          % (len(tus), n_cmd, n_svc, n_store, out))


if __name__ == "__main__":
    main()
