// With the pointer fallback on (the default), a call whose values value flow
// finds resolves to those values only: the comparator passed for it is reached,
// the other address-taken function of the same type is not.
#include <evguard/annotations.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*cmp_fn)(const char *a, const char *b);

static int by_mtime(const char *a, const char *b) {
  struct stat sa, sb;
  stat(a, &sa); // EXPECT: evguard-blocking-call callee=stat roots=on_list
  stat(b, &sb); // EXPECT: evguard-blocking-call callee=stat roots=on_list
  return (int)(sa.st_mtime - sb.st_mtime);
}

static int by_name_slowly(const char *a, const char *b) {
  sleep(1);
  return a[0] - b[0];
}

static void sort_names(const char **v, int n, cmp_fn cmp) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && cmp(v[j - 1], v[j]) > 0; j--) {
      const char *t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
}

cmp_fn exported_cmp = by_name_slowly;

EVGUARD_HANDLER void on_list(const char **names, int n) { sort_names(names, n, by_mtime); }

int main(void) {
  const char *v[] = {"/etc/hosts", "/etc/passwd"};
  on_list(v, 2);
  return 0;
}
