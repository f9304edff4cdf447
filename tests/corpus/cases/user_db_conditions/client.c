// A user database (--db) with a blocking entry carrying an argument condition,
// a nonblocking entry and a registering entry for an in-house RPC library.
// RUN-ARGS: --db rpc_db.json --strict
struct rpc_msg {
  int id;
};

int rpc_call(int channel, const struct rpc_msg *m, int timeout_ms);
int rpc_post(int channel, const struct rpc_msg *m);
int rpc_subscribe(int channel, void (*on_msg)(const struct rpc_msg *m));

static void on_price(const struct rpc_msg *m) {
  rpc_post(2, m);
  rpc_call(2, m, 0);
  rpc_call(2, m, 250); // EXPECT: evguard-blocking-call callee=rpc_call roots=on_price via=rpc_subscribe
}

int main(void) {
  rpc_subscribe(1, on_price);
  return 0;
}
