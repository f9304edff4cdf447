// Recursion and mutual recursion terminate; a blocking call inside a
// mutually recursive pair is reported once.
#include <evguard/annotations.h>
#include <stdio.h>

struct node {
  int kind;
  struct node *left, *right;
};

static int eval_expr(const struct node *n);

static int eval_term(const struct node *n) {
  if (!n)
    return 0;
  if (n->kind == 'i') {
    int v = 0;
    scanf("%d", &v); // EXPECT: evguard-blocking-call callee=scanf roots=on_input
    return v;
  }
  return eval_expr(n->left) * eval_term(n->right);
}

static int eval_expr(const struct node *n) {
  if (!n)
    return 0;
  return eval_term(n->left) + eval_expr(n->right);
}

static int depth(const struct node *n) {
  if (!n)
    return 0;
  int l = depth(n->left), r = depth(n->right);
  return 1 + (l > r ? l : r);
}

EVGUARD_HANDLER int on_input(const struct node *root) { return depth(root) + eval_expr(root); }

int main(void) { return on_input(NULL); }
