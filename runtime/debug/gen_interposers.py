#!/usr/bin/env python3
"""Generates the debug runtime's libc interposers from the annotation database.

Every C function with a `blocking` entry in the given database files (the
POSIX/libc one: C++ and library-specific files are not passed in) gets an
interposer, provided the system headers in interpose_headers.h declare it as a
function (not a macro) and libc exports it. Those facts, and each function's
arity, are learnt from the system itself: the script compiles a probe against
the headers (a declaration the compiler rejects is skipped), then builds and
runs a second probe that prints each function's shape using the traits of
interpose.h. The prototypes themselves are never written down: the generated
code spells parameter I of `fn` as Arg<decltype(::fn), I>.

A few more functions (FD_EFFECTS: close, dup2, fcntl, ...) are interposed,
blocking or not, to keep the blocking detector's descriptor cache right.

Usage: gen_interposers.py --cxx COMPILER --include DIR --workdir DIR
                          --out FILE DATABASE.json [...]
"""

import argparse
import json
import os
import re
import subprocess
import sys

CATEGORIES = {
    "sleep": "Sleep", "lock": "Lock", "wait": "Wait", "disk-io": "DiskIo",
    "network-io": "NetworkIo", "dns": "Dns", "process": "Process",
    "ipc": "Ipc", "page-fault": "PageFault", "other": "Other",
}

# Locks with a non-blocking twin that performs the same operation: under the
# `did` policy the interposer tries the twin first and reports only when the
# lock is held by someone else. (try function, its arguments, convention,
# optional guard: when the guard is false the call cannot block at all.)
TRY_LOCKS = {
    "pthread_mutex_lock": ("pthread_mutex_trylock", "a0", "ErrorNumber", None),
    "pthread_mutex_timedlock": ("pthread_mutex_trylock", "a0", "ErrorNumber", None),
    "pthread_mutex_clocklock": ("pthread_mutex_trylock", "a0", "ErrorNumber", None),
    "pthread_rwlock_rdlock": ("pthread_rwlock_tryrdlock", "a0", "ErrorNumber", None),
    "pthread_rwlock_timedrdlock": ("pthread_rwlock_tryrdlock", "a0", "ErrorNumber", None),
    "pthread_rwlock_clockrdlock": ("pthread_rwlock_tryrdlock", "a0", "ErrorNumber", None),
    "pthread_rwlock_wrlock": ("pthread_rwlock_trywrlock", "a0", "ErrorNumber", None),
    "pthread_rwlock_timedwrlock": ("pthread_rwlock_trywrlock", "a0", "ErrorNumber", None),
    "pthread_rwlock_clockwrlock": ("pthread_rwlock_trywrlock", "a0", "ErrorNumber", None),
    "pthread_spin_lock": ("pthread_spin_trylock", "a0", "ErrorNumber", None),
    "sem_wait": ("sem_trywait", "a0", "MinusOneErrno", None),
    "sem_timedwait": ("sem_trywait", "a0", "MinusOneErrno", None),
    "sem_clockwait": ("sem_trywait", "a0", "MinusOneErrno", None),
    "mtx_lock": ("mtx_trylock", "a0", "C11", None),
    "mtx_timedlock": ("mtx_trylock", "a0", "C11", None),
    "flock": ("flock", "a0, a1 | LOCK_NB", "MinusOneErrno", "(a1 & (LOCK_SH | LOCK_EX)) != 0"),
    "lockf": ("lockf", "a0, F_TLOCK, a2", "MinusOneErrno", "a1 == F_LOCK"),
}

# C variadic functions whose variadic part is at most a few integer or pointer
# words (a mode, a flag word, a pointer): forwarded by re-passing the words.
# Other variadic functions are forwarded through their v* twin (printf ->
# vprintf) or skipped.
WORD_VARIADIC = {
    "open", "open64", "openat", "openat64", "fcntl", "fcntl64", "ioctl",
    "sem_open", "mq_open", "ptrace", "prctl",
}
# On the SysV x86-64 and AArch64 ABIs the first 6 (8) integer arguments travel
# in registers, so reading up to 6 words in total never touches memory the
# caller did not set up.
MAX_WORDS = 6

# Calls that change what a descriptor number names (close, dup2, ...) or the
# O_NONBLOCK flag of an open file description (F_SETFL, FIONBIO): their
# interposers keep the blocking detector's descriptor cache (fd_cache.h)
# right, whether or not the database lists them as blocking, and in every
# thread. (code run before the call, code run when it returns)
# Calls that only create a descriptor (socket, open, dup, accept, ...) need
# nothing: the number they return was free, so its entry was forgotten when
# it was closed.
FD_EFFECTS = {
    "close": (None, "fdCacheForget(a0)"),
    "dup2": (None, "fdCacheForget(a1)"),
    "dup3": (None, "fdCacheForget(a1)"),
    "fclose": ("int Fd = streamFd(a0);", "fdCacheForget(Fd)"),
    "close_range": (None, "fdCacheForgetAll()"),
    "closefrom": (None, "fdCacheForgetAll()"),
    "fcntl": (None, "if (a1 == F_SETFL) fdCacheForgetAll()"),
    "fcntl64": (None, "if (a1 == F_SETFL) fdCacheForgetAll()"),
    "ioctl": (None, "if (a1 == FIONBIO) fdCacheForgetAll()"),
}

# Functions a C wrapper cannot interpose: vfork's child runs on the parent's
# stack, so returning through a wrapper frame in the child corrupts the
# parent.
NEVER = {"vfork": "the vfork child shares the caller's stack frame; a wrapper would corrupt it"}

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def fail(msg):
    sys.stderr.write("gen_interposers.py: error: %s\n" % msg)
    sys.exit(2)


def load_entries(paths):
    """Blocking C functions from the database files, later files winning."""
    entries = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            fail("%s: cannot read the annotation database: %s; fix the file "
                 "(the evguard CLI's --print-database shows where)" % (path, e))
        for fn in doc.get("functions", []):
            name = fn.get("name", "")
            if "class" in fn or "params" in fn or not IDENT.match(name):
                continue
            if fn.get("remove"):
                entries.pop(name, None)
                continue
            blocking = fn.get("blocking")
            if not isinstance(blocking, dict):
                entries.pop(name, None)
                continue
            cat = blocking.get("category")
            if cat not in CATEGORIES:
                fail("%s: function %s: unknown category %r" % (path, name, cat))
            entries[name] = {
                "name": name, "category": cat,
                "reason": blocking.get("reason", ""),
                "unless": blocking.get("unless", []),
                "origin": os.path.basename(path),
            }
    return entries


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def probe_declared(names, args):
    """Names the headers declare as one non-macro function."""
    src = os.path.join(args.workdir, "probe_decl.cpp")
    line_of = {}
    lines = ['#include "interpose_headers.h"']
    for n in names:
        lines.append("#ifndef %s" % n)
        line_of[len(lines) + 1] = n
        lines.append("using probe_%s = decltype(::%s);" % (n, n))
        lines.append("#else")
        line_of[len(lines) + 1] = n
        lines.append("#error %s is a macro" % n)
        lines.append("#endif")
    with open(src, "w") as f:
        f.write("\n".join(lines) + "\n")
    no_limit = "-ferror-limit=0" if "clang" in os.path.basename(args.cxx) else "-fmax-errors=0"
    res = run([args.cxx] + args.flags + ["-I", args.include, "-fsyntax-only", no_limit, src])
    bad = set()
    for m in re.finditer(r"probe_decl\.cpp:(\d+):(?:\d+:)? (?:fatal )?error", res.stderr):
        ln = int(m.group(1))
        if ln not in line_of:
            fail("the probe failed outside a probed name; compiler said:\n" + res.stderr)
        bad.add(line_of[ln])
    if res.returncode != 0 and not bad:
        fail("the probe did not compile; compiler said:\n" + res.stderr)
    return [n for n in names if n not in bad], bad


def probe_shapes(names, args):
    """Arity, variadic, libc presence of each declared name."""
    src = os.path.join(args.workdir, "probe_shape.cpp")
    exe = os.path.join(args.workdir, "probe_shape")
    out = ['#include "interpose_headers.h"', '#include "interpose.h"',
           "#include <cstdio>", "#include <cstring>",
           "using namespace evguard::debug;",
           "template <class F> static void shape(const char *N) {",
           "  void *P = dlsym(RTLD_DEFAULT, N);",
           "  Dl_info I{};",
           "  bool Libc = P && dladdr(P, &I) && I.dli_fname &&",
           "              (std::strstr(I.dli_fname, \"libc.so\") ||",
           "               std::strstr(I.dli_fname, \"libpthread.so\"));",
           "  std::printf(\"%s %zu %d %d\\n\", N, FnTraits<F>::Arity,",
           "              int(FnTraits<F>::Variadic), int(Libc));",
           "}",
           "int main() {"]
    for n in names:
        out.append("  shape<decltype(::%s)>(\"%s\");" % (n, n))
    out.append("}")
    with open(src, "w") as f:
        f.write("\n".join(out) + "\n")
    res = run([args.cxx] + args.flags + ["-I", args.include, src, "-o", exe, "-ldl"])
    if res.returncode != 0:
        fail("the shape probe did not build; compiler said:\n" + res.stderr)
    res = run([exe])
    if res.returncode != 0:
        fail("the shape probe failed: " + res.stderr)
    shapes = {}
    for line in res.stdout.splitlines():
        n, arity, variadic, libc = line.split()
        shapes[n] = (int(arity), variadic == "1", libc == "1")
    return shapes


def cxx_string(s):
    return json.dumps(s, ensure_ascii=True)


def conditions(entry, arity, extras):
    """C++ expressions, one per `unless` condition, or a skip reason."""
    exprs = []
    for c in entry["unless"]:
        i = c.get("arg")
        if not isinstance(i, int) or i < 0:
            return None, "condition without a valid arg index: %r" % c
        if i < arity:
            var = "a%d" % i
        elif i - arity < extras:
            var = "x%d" % (i - arity)
        else:
            return None, "condition on argument %d, but the function takes %d" % (i, arity)
        if "equals" in c:
            exprs.append("argEquals(%s, %dLL)" % (var, int(c["equals"])))
        elif "has_flag" in c:
            if "value" not in c:
                return None, "has_flag %s without its value" % c["has_flag"]
            exprs.append("argHasFlag(%s, %dULL) /* %s */" % (var, int(c["value"]), c["has_flag"]))
        elif c.get("non_null") is True:
            exprs.append("argNonNull(%s)" % var)
        elif c.get("not_regular_file") is True:
            # The static checker's stand-in for "one of the loop's
            # non-blocking descriptors"; at run time the real descriptor is
            # checked for exactly that.
            exprs.append("argNonBlockingFd(%s)" % var)
        elif isinstance(c.get("path_prefix"), list) and c["path_prefix"]:
            prefixes = ", ".join(cxx_string(p) for p in c["path_prefix"])
            exprs.append("argPathUnder(%s, {%s})" % (var, prefixes))
        else:
            return None, "unknown condition %r" % c
    return exprs, None


def emit_function(n, e, shapes, declared, reals):
    """The interposer of `n`, or (None, reason). `e` is its database entry,
    None when it is interposed only for its FD_EFFECTS."""
    if n in NEVER:
        return None, NEVER[n]
    arity, variadic, libc = shapes[n]
    if not libc:
        return None, "not exported by libc"
    ty = "decltype(::%s)" % n
    params = ["Arg<%s, %d> a%d" % (ty, i, i) for i in range(arity)]
    fixed = ["a%d" % i for i in range(arity)]
    extras = 0
    prologue, real, fwd = [], "real_%s()" % n, list(fixed)
    reals.add(n)
    decls = []
    if variadic:
        vname = "v" + n
        if arity == 0:
            return None, "variadic without a fixed parameter"
        params.append("...")
        if n in WORD_VARIADIC:
            extras = max(0, MAX_WORDS - arity)
            prologue.append("va_list ap;")
            prologue.append("va_start(ap, a%d);" % (arity - 1))
            for k in range(extras):
                prologue.append("unsigned long x%d = va_arg(ap, unsigned long);" % k)
            prologue.append("va_end(ap);")
            fwd += ["x%d" % k for k in range(extras)]
        elif vname in shapes and shapes[vname][2] and shapes[vname][0] == arity + 1 \
                and not shapes[vname][1]:
            reals.add(vname)
            prologue.append("va_list ap;")
            prologue.append("va_start(ap, a%d);" % (arity - 1))
            prologue.append("VaListEnd End{ap};")
            real = "real_%s()" % vname
            fwd.append("ap")
        else:
            return None, "variadic, with no v* twin and not a known word-argument function"
    effect = FD_EFFECTS.get(n)
    if effect:
        before, after = effect
        if before:
            prologue.append(before)
        prologue.append("OnReturn Effect{[&]() noexcept { %s; }};" % after)
    call = "%s(%s)" % (real, ", ".join(fwd))
    body = ["  " + p for p in prologue]
    text = ""
    if e is None:
        body.append("  return %s;" % call)
    else:
        conds, why = conditions(e, arity, extras)
        if conds is None:
            return None, why
        spec = "spec_%s" % n
        decls.append("constexpr CallSpec %s{%s, Category::%s, %s};" % (
            spec, cxx_string(n), CATEGORIES[e["category"]], cxx_string(e["reason"])))
        tl = TRY_LOCKS.get(n)
        if tl and tl[0] in declared and shapes[tl[0]][2]:
            tname, targs, conv, guard = tl
            reals.add(tname)
            trycall = "[&] { return real_%s()(%s); }" % (tname, targs)
            slow = "interceptLock(%s, %s, %s, TryConvention::%s%s)" % (
                spec, real, trycall, conv, "".join(", " + a for a in fwd))
            if guard:
                conds.append("!(%s)" % guard)
        else:
            slow = "intercept(%s, %s%s)" % (spec, real, "".join(", " + a for a in fwd))
        fast = "!armed()" + "".join(" || " + c for c in conds)
        body.append("  if (__builtin_expect(%s, 1))" % fast)
        body.append("    return %s;" % call)
        body.append("  return %s;" % slow)
        text = "namespace {\n" + "\n".join(decls) + "\n} // namespace\n"  # the CallSpec
    text += 'extern "C" Ret<%s> %s(%s) noexcept(IsNoexcept<%s>) {\n' % (ty, n, ", ".join(params), ty)
    text += "\n".join(body) + "\n}\n"
    return text, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--flag", dest="flags", action="append", default=[])
    ap.add_argument("--include", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("databases", nargs="*")
    args = ap.parse_args()
    args.flags = ["-std=c++20", "-D_GNU_SOURCE", "-U_FORTIFY_SOURCE"] + args.flags
    os.makedirs(args.workdir, exist_ok=True)

    entries = load_entries(args.databases)
    names = sorted(set(entries) | set(FD_EFFECTS))
    helpers = set()
    for n in names:
        if n in TRY_LOCKS:
            helpers.add(TRY_LOCKS[n][0])
        helpers.add("v" + n)
    probe = sorted(set(names) | helpers)
    declared, undeclared = probe_declared(probe, args) if probe else ([], set())
    shapes = probe_shapes(declared, args) if declared else {}

    chunks, skipped, reals = [], [], set()
    for n in names:
        if n not in shapes:
            skipped.append((n, "not declared as a function by interpose_headers.h"))
            continue
        text, why = emit_function(n, entries.get(n), shapes, set(declared), reals)
        if text is None:
            skipped.append((n, why))
        else:
            chunks.append(text)

    out = ["// Generated by runtime/debug/gen_interposers.py from:"]
    out += ["//   %s" % os.path.basename(d) for d in args.databases]
    out.append("// Do not edit: change the database or the generator.")
    out.append("// %d interposers; skipped:" % len(chunks))
    out += ["//   %s: %s" % s for s in skipped]
    out += ['#include "interpose_headers.h"', '#include "interpose.h"',
            "#include <cstdarg>", "",
            "// decltype(::fn) carries the headers' nonnull/nothrow attributes.",
            '#pragma GCC diagnostic ignored "-Wignored-attributes"',
            "// Deprecated functions (readdir_r) still need interposing.",
            '#pragma GCC diagnostic ignored "-Wdeprecated-declarations"', "",
            "using namespace evguard::debug;", "",
            "namespace {",
            "/// Closes a forwarded va_list on every return path.",
            "struct VaListEnd {",
            "  va_list &Ap;",
            "  ~VaListEnd() { va_end(Ap); }",
            "};"]
    out += ["constinit Real<decltype(::%s)> real_%s{%s};" % (r, r, cxx_string(r)) for r in sorted(reals)]
    out += ["} // namespace", "",
            "namespace evguard::debug {",
            "const char *const InterposedFunctions[] = {"]
    skipped_names = {s[0] for s in skipped}
    out += ["    %s," % cxx_string(n) for n in names if n not in skipped_names]
    out += ["    nullptr};", "} // namespace evguard::debug", ""]
    out += chunks
    text = "\n".join(out) + "\n"
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, args.out)
    sys.stdout.write("evguard: %d libc interposers generated, %d database functions skipped "
                     "(listed in %s)\n" % (len(chunks), len(skipped), args.out))


if __name__ == "__main__":
    main()
