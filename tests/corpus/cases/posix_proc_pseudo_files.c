// Files under /proc and /sys live in memory: opening one by a literal path
// and reading its descriptor does not wait for a disk. A path that is not a
// literal, or that climbs out with "..", is treated as any other file, and a
// FILE stream is read with stdio, which the database always counts as disk.
#include <evguard/annotations.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static long read_rss_pages(void) {
  char buf[512];
  int fd = open("/proc/self/statm", O_RDONLY);
  if (fd < 0)
    return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n;
}

static void set_oom_score(const char *value) {
  int fd = openat(AT_FDCWD, "/proc/self/oom_score_adj", O_WRONLY);
  if (fd >= 0) {
    write(fd, value, 2);
    close(fd);
  }
}

static void read_config(const char *path) {
  char buf[64];
  int fd = open(path, O_RDONLY); // EXPECT: evguard-blocking-call callee=open roots=on_stats
  read(fd, buf, sizeof buf); // EXPECT: evguard-blocking-call callee=read roots=on_stats
  close(fd);
  int up = open("/proc/../etc/hostname", O_RDONLY); // EXPECT: evguard-blocking-call callee=open roots=on_stats
  read(up, buf, sizeof buf); // EXPECT: evguard-blocking-call callee=read roots=on_stats
  close(up);
}

static void scan_smaps(void) {
  char line[256];
  FILE *f = fopen("/proc/self/smaps", "r");
  if (!f)
    return;
  while (fgets(line, sizeof line, f)) // EXPECT: evguard-blocking-call callee=fgets roots=on_stats
    ;
  fclose(f); // EXPECT: evguard-blocking-call callee=fclose roots=on_stats
}

EVGUARD_HANDLER void on_stats(void) {
  read_rss_pages();
  set_oom_score("10");
  read_config("/etc/app.conf");
  scan_smaps();
}

int main(void) {
  on_stats();
  return 0;
}
