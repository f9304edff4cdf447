// The interpreter's own main.
void interp_init(void);
extern struct module interp_module;

int main(void) {
  interp_init();
  return 0;
}
