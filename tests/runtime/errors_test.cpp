// Error paths that need a process of their own (fd exhaustion) or signals
// (EINTR).
#include "test_util.h"

#include "evguard/net.h"

#include <atomic>
#include <csignal>
#include <dirent.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>

namespace evguard::test {
namespace {

int highest_open_fd() {
  int highest = 2;
  DIR *d = opendir("/proc/self/fd");
  if (!d)
    return 1023;
  while (dirent *e = readdir(d))
    if (e->d_name[0] != '.')
      highest = std::max(highest, std::atoi(e->d_name));
  closedir(d);
  return highest;
}

/// Lowers the soft fd limit to just above the highest open fd, then fills
/// the holes below it, so that no new fd can be opened.
bool exhaust_fds() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return false;
  rl.rlim_cur = static_cast<rlim_t>(highest_open_fd() + 1);
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
    return false;
  while (dup(0) >= 0) {
  }
  return errno == EMFILE;
}

// Runs in a forked child; each failed expectation has its own exit code so a
// failure says which one.
int emfile_child() {
  auto lfd = tcp_listen("127.0.0.1", 0);
  if (!lfd)
    return 10;
  auto port = local_port(*lfd);
  auto client = tcp_connect("127.0.0.1", *port);
  if (!client)
    return 11;
  auto loop = Loop::create();
  if (!loop)
    return 12;
  if (!exhaust_fds())
    return 13;

  // Every fd-creating call fails with EMFILE, cleanly.
  auto second = Loop::create();
  if (second || second.error() != std::errc::too_many_files_open)
    return 20;
  try {
    Loop third;
    return 21;
  } catch (const std::system_error &e) {
    if (e.code() != std::errc::too_many_files_open)
      return 22;
  }
  auto accepted = tcp_accept(*lfd);
  if (accepted || accepted.error() != std::errc::too_many_files_open)
    return 23;
  auto sig = (*loop)->watch_signal(SIGUSR1, [](const SignalEvent &) {});
  if (sig || sig.error() != std::errc::too_many_files_open)
    return 24;
  // The existing loop keeps working: its timers still fire.
  bool fired = false;
  if (!(*loop)->start_timer(0ns, 0ns, [&](TimerId) { fired = true; }))
    return 25;
  if ((*loop)->run() || !fired)
    return 26;
  return 0;
}

TEST(Errors, EmfileUnderFdExhaustion) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    _exit(emfile_child());
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "see emfile_child() for the code";
}

void note_signal(int) {}

// A signal with a handler installed without SA_RESTART interrupts
// epoll_wait with EINTR; the loop must carry on, not fail or lose the timer.
TEST(Errors, EintrInEpollWaitIsAbsorbed) {
  struct sigaction sa {};
  sa.sa_handler = note_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGURG, &sa, &old), 0);

  Loop loop;
  std::atomic<bool> done{false};
  int fired = 0;
  ASSERT_TRUE(loop.start_timer(100ms, 0ns, [&](TimerId) {
    ++fired;
    done = true;
  }));
  const pthread_t loop_thread = pthread_self();
  std::atomic<int> sent{0};
  std::thread pest([&] {
    while (!done) {
      pthread_kill(loop_thread, SIGURG);
      ++sent;
      std::this_thread::sleep_for(1ms);
    }
  });
  std::error_code ec = loop.run();
  pest.join();
  sigaction(SIGURG, &old, nullptr);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(fired, 1);
  EXPECT_GT(sent.load(), 0);
}

TEST(Errors, MessagesAreSpecific) {
  EXPECT_NE(make_error_code(Errc::stale_handle).message().find("stale"),
            std::string::npos);
  EXPECT_STREQ(runtime_category().name(), "evguard-runtime");
  EXPECT_EQ(make_error_code(Errc::wrong_thread),
            std::errc::operation_not_permitted);
}

TEST(Net, BadAddressAndRefusedConnect) {
  auto bad = tcp_listen("not-an-address", 0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), std::errc::invalid_argument);
  // Find a closed port by binding and closing.
  auto lfd = tcp_listen("127.0.0.1", 0);
  ASSERT_TRUE(lfd);
  std::uint16_t port = *local_port(*lfd);
  close(*lfd);
  auto c = tcp_connect("127.0.0.1", port);
  if (c) { // non-blocking: the refusal shows up as SO_ERROR once writable
    Loop loop;
    std::error_code outcome;
    ASSERT_TRUE(loop.watch(*c, Io::writable, [&](const IoEvent &ev) {
      outcome = socket_error(ev.fd);
      EXPECT_FALSE(loop.unwatch(ev.id));
    }));
    EXPECT_FALSE(loop.run());
    close(*c);
    EXPECT_EQ(outcome, std::errc::connection_refused);
  } else {
    EXPECT_EQ(c.error(), std::errc::connection_refused);
  }
  char buf[4];
  auto r = read_some(-1, buf, sizeof buf);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), std::errc::bad_file_descriptor);
}

} // namespace
} // namespace evguard::test
