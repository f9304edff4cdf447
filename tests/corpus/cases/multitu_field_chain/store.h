/* A pluggable storage interface: a struct of function pointers. */
#ifndef STORE_H
#define STORE_H

struct conn;

struct store_ops {
  int (*append)(struct conn *c, const char *data, int len);
  int (*flush)(struct conn *c);
};

struct conn {
  int fd;
  int log_fd;
  const struct store_ops *ops;
};

int file_append(struct conn *c, const char *data, int len);
int file_flush(struct conn *c);
int mem_append(struct conn *c, const char *data, int len);
int mem_flush(struct conn *c);
void wire_storage(struct conn *c, int durable);

#endif
