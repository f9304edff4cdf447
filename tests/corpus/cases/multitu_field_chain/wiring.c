// Sets the store_ops fields: a static table per backend.
#include "store.h"

static const struct store_ops file_ops = {file_append, file_flush};
static const struct store_ops mem_ops = {.append = mem_append, .flush = mem_flush};

void wire_storage(struct conn *c, int durable) { c->ops = durable ? &file_ops : &mem_ops; }
