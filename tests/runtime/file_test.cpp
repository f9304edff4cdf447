// The loop's file operations, each test on both back ends (io_uring and the
// worker pool), plus the back-end choice itself.
#include "test_util.h"

#include <cstdlib>
#include <dirent.h>
#include <latch>
#include <linux/stat.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <vector>

namespace evguard::test {
namespace {

std::size_t open_fd_count() {
  std::size_t n = 0;
  if (DIR *d = opendir("/proc/self/fd")) {
    while (readdir(d))
      ++n;
    closedir(d);
  }
  return n;
}

/// A fresh directory under TMPDIR, removed (recursively) at the end.
struct TempDir {
  std::string path;
  TempDir() {
    const char *base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") +
                       "/evguard-file-test-XXXXXX";
    path = mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::string cmd = "rm -rf '" + path + "'";
    if (!path.empty() && std::system(cmd.c_str()) != 0)
      ADD_FAILURE() << "could not remove " << path;
  }
  std::string operator/(const char *name) const { return path + "/" + name; }
};

int make_file(const std::string &path, std::string_view content) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, content.data(), content.size()),
            static_cast<ssize_t>(content.size()));
  return fd;
}

/// Whether this kernel lets us use io_uring (a container's seccomp profile
/// or the io_uring_disabled sysctl may forbid it).
bool io_uring_allowed() {
  LoopOptions o;
  o.file_backend = FileBackend::io_uring;
  return Loop::create(o).has_value();
}

class FileOpsTest : public ::testing::TestWithParam<FileBackend> {
protected:
  void SetUp() override {
    if (GetParam() == FileBackend::io_uring && !io_uring_allowed())
      GTEST_SKIP() << "io_uring is not available here; the pool runs these";
  }
  LoopOptions options() const {
    LoopOptions o;
    o.file_backend = GetParam();
    return o;
  }
  /// Runs `loop` until `done` holds (or the watchdog fires).
  template <class Pred> static void run_until(Loop &loop, Pred done) {
    TimerId dog = arm_watchdog(loop);
    while (!done() && !loop.run_once(1s)) {
    }
    (void)loop.cancel_timer(dog);
  }
  TempDir dir;
};

TEST_P(FileOpsTest, BackendIsTheOneAskedFor) {
  Loop loop(options());
  EXPECT_EQ(loop.file_backend(), GetParam());
  EXPECT_EQ(loop.file_ops_in_flight(), 0u);
}

// open -> write at an offset -> fsync -> fdatasync -> read back -> fstat ->
// close, each step started from the previous one's handler.
TEST_P(FileOpsTest, OpenWriteSyncReadStatClose) {
  Loop loop(options());
  std::string path = dir / "data";
  int fd = -1;
  std::string read_back;
  std::int64_t size = -1;
  bool closed = false;
  int calls = 0;
  auto check = [&](FileEvent &ev) {
    ++calls;
    EXPECT_FALSE(ev.error) << ev.error.message();
  };
  ASSERT_TRUE(loop.open_file(path, O_RDWR | O_CREAT, 0600, [&](FileEvent &ev) {
    check(ev);
    fd = static_cast<int>(ev.result);
    ASSERT_TRUE(loop.write_file(fd, Buffer::copy_of("hello world"), 0,
                                [&](FileEvent &ev) {
      check(ev);
      EXPECT_EQ(ev.result, 11);
      EXPECT_EQ(ev.buffer.view(), "hello world"); // the buffer comes back
      ASSERT_TRUE(loop.fsync_file(fd, [&](FileEvent &ev) {
        check(ev);
        ASSERT_TRUE(loop.fdatasync_file(fd, [&](FileEvent &ev) {
          check(ev);
          ASSERT_TRUE(loop.read_file(fd, Buffer(5), 6, [&](FileEvent &ev) {
            check(ev);
            ev.buffer.resize(static_cast<std::size_t>(ev.result));
            read_back = std::string(ev.buffer.view());
            ASSERT_TRUE(loop.fstat_file(fd, [&](FileEvent &ev) {
              check(ev);
              ASSERT_NE(ev.stat, nullptr);
              size = static_cast<std::int64_t>(ev.stat->stx_size);
              ASSERT_TRUE(loop.close_file(fd, [&](FileEvent &ev) {
                check(ev);
                closed = true;
              }));
            }));
          }));
        }));
      }));
    }));
  }));
  EXPECT_EQ(loop.file_ops_in_flight(), 1u);
  EXPECT_TRUE(loop.alive());
  run_until(loop, [&] { return closed; });
  EXPECT_EQ(calls, 7);
  EXPECT_EQ(read_back, "world");
  EXPECT_EQ(size, 11);
  EXPECT_EQ(fcntl(fd, F_GETFD), -1); // close_file really closed it
  EXPECT_EQ(loop.file_ops_in_flight(), 0u);
  EXPECT_FALSE(loop.alive());
}

TEST_P(FileOpsTest, ShortReadsAndEndOfFile) {
  Loop loop(options());
  int fd = make_file(dir / "short", "0123456789");
  std::int64_t near_end = -1, past_end = -1;
  std::size_t returned_size = 0;
  ASSERT_TRUE(loop.read_file(fd, Buffer(4096), 6, [&](FileEvent &ev) {
    EXPECT_FALSE(ev.error);
    near_end = ev.result;
    returned_size = ev.buffer.size();
  }));
  ASSERT_TRUE(loop.read_file(fd, Buffer(16), 100, [&](FileEvent &ev) {
    EXPECT_FALSE(ev.error);
    past_end = ev.result;
  }));
  run_until(loop, [&] { return near_end >= 0 && past_end >= 0; });
  EXPECT_EQ(near_end, 4);          // short: only 4 bytes left
  EXPECT_EQ(returned_size, 4096u); // the buffer is handed back whole
  EXPECT_EQ(past_end, 0);          // end of file
  ::close(fd);
}

TEST_P(FileOpsTest, VectoredWriteAndRead) {
  Loop loop(options());
  int fd = make_file(dir / "vec", "");
  bool done = false;
  std::vector<Buffer> out;
  out.push_back(Buffer::copy_of("abc"));
  out.push_back(Buffer::copy_of("defgh"));
  ASSERT_TRUE(loop.writev_file(fd, std::move(out), 2, [&](FileEvent &ev) {
    EXPECT_FALSE(ev.error);
    EXPECT_EQ(ev.result, 8);
    EXPECT_EQ(ev.buffers.size(), 2u);
    std::vector<Buffer> in;
    in.emplace_back(4);
    in.emplace_back(6);
    ASSERT_TRUE(loop.readv_file(fd, std::move(in), 2, [&](FileEvent &ev) {
      EXPECT_FALSE(ev.error);
      EXPECT_EQ(ev.result, 8); // 4 + 4 of 6: short in the second buffer
      ASSERT_EQ(ev.buffers.size(), 2u);
      EXPECT_EQ(ev.buffers[0].view(), "abcd");
      EXPECT_EQ(ev.buffers[1].view().substr(0, 4), "efgh");
      done = true;
    }));
  }));
  run_until(loop, [&] { return done; });
  EXPECT_TRUE(done);
  ::close(fd);
}

TEST_P(FileOpsTest, PathOperations) {
  Loop loop(options());
  std::string sub = dir / "sub", a = dir / "sub/a", b = dir / "sub/b";
  bool done = false;
  std::uint16_t mode = 0;
  ASSERT_TRUE(loop.make_directory(sub, 0700, [&](FileEvent &ev) {
    ASSERT_FALSE(ev.error) << ev.error.message();
    ::close(make_file(a, "x"));
    ASSERT_TRUE(loop.rename_file(a, b, [&](FileEvent &ev) {
      ASSERT_FALSE(ev.error) << ev.error.message();
      ASSERT_TRUE(loop.stat_file(b, [&](FileEvent &ev) {
        ASSERT_FALSE(ev.error) << ev.error.message();
        mode = ev.stat->stx_mode;
        ASSERT_TRUE(loop.unlink_file(b, [&](FileEvent &ev) {
          EXPECT_FALSE(ev.error) << ev.error.message();
          done = true;
        }));
      }));
    }));
  }));
  run_until(loop, [&] { return done; });
  EXPECT_TRUE(done);
  EXPECT_TRUE(S_ISREG(mode));
  EXPECT_NE(access(a.c_str(), F_OK), 0);
  EXPECT_NE(access(b.c_str(), F_OK), 0);
  struct stat st;
  EXPECT_EQ(::stat(sub.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_P(FileOpsTest, ErrorsComeBackAsErrno) {
  Loop loop(options());
  std::vector<std::error_code> errors(6);
  int calls = 0;
  auto into = [&](int i) {
    return [&, i](FileEvent &ev) {
      ++calls;
      errors[i] = ev.error;
    };
  };
  int fd = make_file(dir / "closed", "x");
  ::close(fd); // a closed descriptor
  ASSERT_TRUE(loop.open_file(dir / "missing", O_RDONLY, 0, into(0)));
  ASSERT_TRUE(loop.read_file(fd, Buffer(8), 0, into(1)));
  ASSERT_TRUE(loop.unlink_file(dir / "missing", into(2)));
  ASSERT_TRUE(loop.make_directory(dir.path, 0700, into(3)));
  ASSERT_TRUE(loop.stat_file(dir / "missing", into(4)));
  ASSERT_TRUE(loop.fsync_file(fd, into(5)));
  run_until(loop, [&] { return calls == 6; });
  EXPECT_EQ(errors[0], std::errc::no_such_file_or_directory);
  EXPECT_EQ(errors[1], std::errc::bad_file_descriptor);
  EXPECT_EQ(errors[2], std::errc::no_such_file_or_directory);
  EXPECT_EQ(errors[3], std::errc::file_exists);
  EXPECT_EQ(errors[4], std::errc::no_such_file_or_directory);
  EXPECT_EQ(errors[5], std::errc::bad_file_descriptor);
  // An operation that did not start says so at once and never calls back.
  auto no_handler = loop.close_file(0, FileHandler());
  EXPECT_EQ(no_handler.error(), std::errc::invalid_argument);
}

// Loop::read/write on a socket: the same completion style as for files.
TEST_P(FileOpsTest, AnyDescriptorReadWriteOnSocket) {
  Loop loop(options());
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                       sv),
            0);
  std::string got;
  std::int64_t wrote = -1;
  ASSERT_TRUE(loop.read(sv[1], Buffer(64), [&](FileEvent &ev) {
    EXPECT_FALSE(ev.error) << ev.error.message();
    ev.buffer.resize(static_cast<std::size_t>(ev.result));
    got = std::string(ev.buffer.view());
  }));
  // Nothing to read yet: the read waits without blocking the loop.
  EXPECT_FALSE(loop.run_once(20ms));
  EXPECT_EQ(got, "");
  ASSERT_TRUE(loop.write(sv[0], Buffer::copy_of("ping"), [&](FileEvent &ev) {
    EXPECT_FALSE(ev.error) << ev.error.message();
    wrote = ev.result;
  }));
  run_until(loop, [&] { return !got.empty() && wrote >= 0; });
  EXPECT_EQ(got, "ping");
  EXPECT_EQ(wrote, 4);
  ::close(sv[0]);
  ::close(sv[1]);
}

TEST_P(FileOpsTest, CancelPendingRead) {
  Loop loop(options());
  Pipe pipe;
  std::error_code error;
  int calls = 0;
  std::size_t returned = 0;
  auto id = loop.read(pipe.read_end, Buffer(32), [&](FileEvent &ev) {
    ++calls;
    error = ev.error;
    returned = ev.buffer.size();
  });
  ASSERT_TRUE(id);
  EXPECT_FALSE(loop.run_once(10ms)); // submitted, nothing to read
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(loop.cancel(*id));
  EXPECT_EQ(calls, 0); // never from inside cancel()
  run_until(loop, [&] { return calls > 0; });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(error, std::errc::operation_canceled);
  EXPECT_EQ(returned, 32u);
  EXPECT_EQ(loop.cancel(*id), Errc::stale_handle);
  // A later write is not swallowed by the cancelled read.
  pipe.put('z');
  char c = 0;
  EXPECT_EQ(::read(pipe.read_end, &c, 1), 1);
  EXPECT_EQ(c, 'z');
}

// On the pool, a job still queued behind a busy worker is cancelled at once.
TEST_P(FileOpsTest, CancelQueuedFileRead) {
  LoopOptions o = options();
  o.workers = 1;
  Loop loop(o);
  int fd = make_file(dir / "queued", "abc");
  std::latch release(1);
  bool blocker_done = false;
  if (GetParam() == FileBackend::pool) {
    ASSERT_FALSE(loop.offload([&] { release.wait(); },
                              [&] { blocker_done = true; }));
  }
  std::error_code error;
  std::int64_t result = -1;
  int calls = 0;
  auto id = loop.read_file(fd, Buffer(3), 0, [&](FileEvent &ev) {
    ++calls;
    error = ev.error;
    result = ev.result;
  });
  ASSERT_TRUE(id);
  EXPECT_FALSE(loop.cancel(*id));
  run_until(loop, [&] { return calls > 0; });
  release.count_down();
  if (GetParam() == FileBackend::pool) {
    EXPECT_EQ(error, std::errc::operation_canceled);
    run_until(loop, [&] { return blocker_done; });
  } else if (!error) {
    EXPECT_EQ(result, 3); // the kernel finished it before the cancel
  } else {
    EXPECT_EQ(error, std::errc::operation_canceled);
  }
  EXPECT_EQ(calls, 1);
  ::close(fd);
}

// More operations than the ring has entries: all complete, each once, with
// the right bytes.
TEST_P(FileOpsTest, ManyInFlight) {
  LoopOptions o = options();
  o.ring_entries = 64;
  o.offload_queue = 4096;
  Loop loop(o);
  std::string content;
  for (int i = 0; i < 1000; ++i)
    content += static_cast<char>('a' + i % 26);
  int fd = make_file(dir / "many", content);
  constexpr int kOps = 1000;
  std::vector<int> calls(kOps);
  int wrong = 0, completed = 0;
  for (int i = 0; i < kOps; ++i)
    ASSERT_TRUE(loop.read_file(fd, Buffer(1), i, [&, i](FileEvent &ev) {
      ++calls[i];
      ++completed;
      if (ev.error || ev.result != 1 ||
          ev.buffer.view()[0] != content[static_cast<std::size_t>(i)])
        ++wrong;
    }));
  EXPECT_EQ(loop.file_ops_in_flight(), std::size_t(kOps));
  run_until(loop, [&] { return completed == kOps; });
  EXPECT_EQ(wrong, 0);
  for (int i = 0; i < kOps; ++i)
    EXPECT_EQ(calls[i], 1) << i;
  EXPECT_EQ(loop.file_ops_in_flight(), 0u);
  ::close(fd);
}

// A loop stopped (and destroyed) with operations in flight: every handler
// runs exactly once, its buffer comes back, the loop's descriptors close.
TEST_P(FileOpsTest, DestroyedWithOperationsInFlight) {
  std::size_t fds_before = open_fd_count();
  // One pipe per pending read: the pool waits for each with its own watcher.
  std::vector<std::unique_ptr<Pipe>> pipes;
  for (int i = 0; i < 20; ++i)
    pipes.push_back(std::make_unique<Pipe>());
  int fd = make_file(dir / "inflight", std::string(4096, 'q'));
  std::vector<int> calls(40);
  int buffers_back = 0;
  {
    Loop loop(options());
    for (int i = 0; i < 40; ++i) {
      auto handler = [&, i](FileEvent &ev) {
        ++calls[i];
        if (ev.buffer.size() == 128)
          ++buffers_back;
      };
      auto id = i % 2 ? loop.read(pipes[i / 2]->read_end, Buffer(128), handler)
                      : loop.read_file(fd, Buffer(128), i * 64, handler);
      ASSERT_TRUE(id);
    }
    ASSERT_FALSE(loop.post([&loop] { loop.stop(); }));
    EXPECT_FALSE(loop.run(RunMode::until_stopped));
  }
  for (int i = 0; i < 40; ++i)
    EXPECT_EQ(calls[i], 1) << i;
  EXPECT_EQ(buffers_back, 40);
  ::close(fd);
  pipes.clear();
  EXPECT_EQ(open_fd_count(), fds_before) << "a descriptor of the loop remains";
}

INSTANTIATE_TEST_SUITE_P(Backends, FileOpsTest,
                         ::testing::Values(FileBackend::io_uring,
                                           FileBackend::pool),
                         [](const auto &info) {
                           return std::string(to_string(info.param));
                         });

struct EnvVar {
  explicit EnvVar(const char *value) {
    setenv("EVGUARD_FILE_BACKEND", value, 1);
  }
  ~EnvVar() { unsetenv("EVGUARD_FILE_BACKEND"); }
};

TEST(FileBackendChoice, AutomaticPicksIoUringWhereTheKernelAllows) {
  Loop loop;
  EXPECT_EQ(loop.file_backend(),
            io_uring_allowed() ? FileBackend::io_uring : FileBackend::pool);
}

TEST(FileBackendChoice, EnvironmentForcesThePool) {
  EnvVar env("pool");
  LoopOptions o;
  o.file_backend = FileBackend::io_uring;
  Loop loop(o);
  EXPECT_EQ(loop.file_backend(), FileBackend::pool);
}

TEST(FileBackendChoice, UnknownEnvironmentValueIsAnError) {
  EnvVar env("uring-please");
  auto loop = Loop::create();
  EXPECT_EQ(loop.error(), std::errc::invalid_argument);
}

} // namespace
} // namespace evguard::test
