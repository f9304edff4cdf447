#include "server.h"
#include <stdio.h>
#include <unistd.h>

void saveCommand(client *c) {
  FILE *fp = fopen("dump.rdb", "w"); // EXPECT: evguard-blocking-call callee=fopen roots=readQueryFromClient
  fputs("REDIS0011", fp); // EXPECT: evguard-blocking-call callee=fputs roots=readQueryFromClient
  fflush(fp); // EXPECT: evguard-blocking-call callee=fflush roots=readQueryFromClient
  fsync(fileno(fp)); // EXPECT: evguard-blocking-call callee=fsync roots=readQueryFromClient
  fclose(fp); // EXPECT: evguard-blocking-call callee=fclose roots=readQueryFromClient
  (void)c;
}
