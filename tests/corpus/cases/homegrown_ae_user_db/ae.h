/* The parts of a Redis-like "ae" event library this program uses; its
 * registration functions are described in ae_db.json, not annotated here. */
#ifndef AE_H
#define AE_H

#define AE_READABLE 1
#define AE_WRITABLE 2

typedef struct aeEventLoop aeEventLoop;
typedef void aeFileProc(aeEventLoop *loop, int fd, void *clientData, int mask);
typedef int aeTimeProc(aeEventLoop *loop, long long id, void *clientData);

aeEventLoop *aeCreateEventLoop(int setsize);
int aeCreateFileEvent(aeEventLoop *loop, int fd, int mask, aeFileProc *proc,
                      void *clientData);
long long aeCreateTimeEvent(aeEventLoop *loop, long long milliseconds,
                            aeTimeProc *proc, void *clientData,
                            void (*finalizerProc)(aeEventLoop *, void *));
void aeMain(aeEventLoop *loop);

#endif
