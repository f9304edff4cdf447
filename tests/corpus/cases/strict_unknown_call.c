// --strict reports calls to functions with no body and no database entry, once
// per unknown function (at its first call site). Functions with a body, in the
// database, or marked EVGUARD_NONBLOCKING are known.
// RUN-ARGS: --strict
#include <evguard/annotations.h>

int codec_compress(const char *in, int len, char *out);
EVGUARD_NONBLOCKING int ring_push(int value);
int sleep_ms(int ms);

static int checksum(const char *s, int len) {
  int sum = 0;
  for (int i = 0; i < len; i++)
    sum += s[i];
  return sum;
}

EVGUARD_HANDLER void on_frame(const char *frame, int len) {
  char out[256];
  codec_compress(frame, len, out); // EXPECT: evguard-unknown-call callee=codec_compress roots=on_frame
  ring_push(checksum(out, len));
  codec_compress(out, len, out);
  sleep_ms(5); // EXPECT: evguard-unknown-call callee=sleep_ms roots=on_frame
}

int main(void) {
  on_frame("abc", 3);
  return 0;
}
