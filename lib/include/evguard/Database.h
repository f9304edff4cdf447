//===- Database.h - The annotation database ---------------------*- C++ -*-===//
//
// What evguard believes about functions it may not see the body of: which
// block (and unless what), which may page-fault, which register handlers,
// which run work off the loop, which are trusted not to block. Loaded from
// JSON files (docs/annotation-database.md) merged in order.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_DATABASE_H
#define EVGUARD_DATABASE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evguard {

enum class Category {
  Sleep,
  Lock,
  Wait,
  DiskIO,
  NetworkIO,
  DNS,
  Process,
  IPC,
  PageFault,
  Other,
};

/// The documented spelling: "sleep", "lock", "wait", "disk-io", "network-io",
/// "dns", "process", "ipc", "page-fault", "other".
llvm::StringRef categoryName(Category C);
std::optional<Category> parseCategory(llvm::StringRef Name);
llvm::ArrayRef<Category> allCategories();

/// A condition under which a blocking call does NOT block, decided from a
/// constant argument. Argument indices are 0-based and exclude `this`.
struct Condition {
  enum class Kind {
    Equals,  ///< argument Arg == Value (poll's timeout 0)
    HasFlag, ///< (argument Arg & FlagValue) != 0 (recv's MSG_DONTWAIT)
    NonNull, ///< argument Arg is a non-null pointer (uv_fs_*'s callback)
    /// argument Arg is a descriptor not known to be a regular file. Loops
    /// keep their sockets, pipes and eventfds non-blocking, so read/write/
    /// accept on them return EAGAIN instead of waiting; on a regular file
    /// (a descriptor from an `opens_file` function) they always wait for the
    /// disk. The runtime's debug mode checks the real descriptor.
    NotRegularFile,
    /// argument Arg is a path under one of Prefixes (a string literal,
    /// statically): a kernel pseudo file system such as /proc or /sys,
    /// whose files live in memory and are never waited for on a disk.
    PathPrefix,
  };
  Kind K = Kind::Equals;
  unsigned Arg = 0;
  int64_t Value = 0;    ///< Equals
  std::string Flag;     ///< HasFlag: the flag's name, as in the headers
  int64_t FlagValue = 0; ///< HasFlag: its value on Linux
  std::vector<std::string> Prefixes; ///< PathPrefix, each ending in '/'
};

struct BlockingInfo {
  Category Cat = Category::Other;
  std::string Reason;
  std::vector<Condition> Unless; ///< any one holding means "does not block"
};

/// What a descriptor-creating function gives back: a descriptor in blocking
/// mode (socket(), accept()) unless one of the conditions holds
/// (SOCK_NONBLOCK in socket's type).
struct BlockingDescriptorInfo {
  std::vector<Condition> Unless;
};

/// A call that switches its descriptor argument `Arg` to non-blocking mode
/// when every condition may hold: fcntl(fd, F_SETFL, flags | O_NONBLOCK),
/// ioctl(fd, FIONBIO, &on). A condition on a value that is not a constant
/// may hold, except a flag visibly cleared (`flags & ~O_NONBLOCK`).
struct NonblockingSetter {
  unsigned Arg = 0;
  std::vector<Condition> If;
};

struct FaultInfo {
  std::string Reason;
};

/// Where a database entry came from, for messages: "FILE:LINE:COL".
struct Origin {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
  std::string str() const;
};

struct FunctionEntry {
  /// Plain name for C ("poll"), fully qualified for C++ without template
  /// arguments ("std::this_thread::sleep_for", "std::mutex::lock",
  /// "std::lock_guard::lock_guard" for a constructor).
  std::string Name;
  /// Narrowing: the class spelling ("std::lock_guard<std::mutex>"; without
  /// '<' it matches every specialization of that template).
  std::optional<std::string> Class;
  /// Narrowing: parameter type spellings, compared with whitespace removed
  /// against either the declared or the canonical spelling.
  std::optional<std::vector<std::string>> Params;

  std::optional<BlockingInfo> Blocking;
  std::optional<FaultInfo> MayFault;
  std::vector<unsigned> RegistersHandler; ///< parameter indices
  std::vector<unsigned> Offloads;         ///< parameter indices
  bool Nonblocking = false;
  /// Returns a descriptor of a regular file (open, creat, mkstemp, fileno):
  /// what NotRegularFile conditions look for.
  bool OpensFile = false;
  /// Returns a descriptor in blocking mode (socket, accept): what, besides
  /// regular files, makes a NotRegularFile condition fail, until a
  /// SetsNonblocking call switches the descriptor.
  std::optional<BlockingDescriptorInfo> BlockingDescriptor;
  std::optional<NonblockingSetter> SetsNonblocking;
  /// Blocking calls reached through this function are accepted, for this
  /// reason (the database twin of EVGUARD_ALLOW_BLOCKING): crash reporters,
  /// start-up code of a library.
  std::optional<std::string> AllowBlocking;
  /// Returns 0 in a forked child, like fork(): a wrapper such as Redis'
  /// redisFork(). Code under `if (f() == 0)` is not on the loop thread.
  bool Forks = false;
  /// Free text for readers (why this entry, what was decided); the analysis
  /// ignores it.
  std::string Note;
  Origin From;
};

/// A field whose stored callables are handlers (nginx's ngx_event_s::handler).
struct HandlerField {
  std::string Record; ///< tag, typedef-of-anonymous, or qualified C++ name
  std::string Field;
  std::string Note; ///< free text for readers
  Origin From;
};

/// How a function looks to a lookup; computed by the analysis from the AST
/// (see Naming.h) or by a test by hand.
struct FunctionKey {
  std::string Name;  ///< as FunctionEntry::Name
  std::string Class; ///< printed class type with template args, or empty
  std::string ClassTemplate; ///< class name without template args, or empty
  std::vector<std::string> ParamTypes;          ///< as declared
  std::vector<std::string> CanonicalParamTypes; ///< canonical
};

/// How well Entry matches Key: none if it does not; otherwise higher is more
/// specific (class+params > params > class > neither; an exact class beats a
/// template class). The rule lookup() and the header check share.
std::optional<unsigned> matchRank(const FunctionEntry &Entry,
                                  const FunctionKey &Key);

class AnnotationDatabase {
public:
  /// Merges one file (later entries override earlier ones with the same
  /// name, class and params; `"remove": true` entries delete them). Errors
  /// read "FILE:LINE:COL: error: what is wrong; what to do".
  llvm::Error addFile(llvm::StringRef Path);
  llvm::Error addBuffer(llvm::StringRef Text, llvm::StringRef FileName);

  /// The most specific entry matching Key (class+params over params over
  /// class over none), or null.
  const FunctionEntry *lookup(const FunctionKey &Key) const;
  /// Entries that name this function, whatever their narrowing; lets the
  /// analysis skip the key computation for functions the database never
  /// mentions.
  bool mentions(llvm::StringRef Name) const;

  bool isHandlerField(llvm::StringRef Record, llvm::StringRef Field) const;

  llvm::ArrayRef<FunctionEntry> functions() const { return Functions; }
  llvm::ArrayRef<HandlerField> handlerFields() const { return HandlerFields; }
  const std::vector<std::string> &files() const { return Files; }

  /// The merged database in the input format (for --print-database).
  std::string toJson() const;

private:
  void rebuildIndex();

  std::vector<FunctionEntry> Functions;
  /// Functions indices by name, so that lookup() only compares narrowings.
  llvm::StringMap<llvm::SmallVector<unsigned, 2>> ByName;
  llvm::StringSet<> HandlerFieldKeys; ///< "Record\0Field"
  std::vector<HandlerField> HandlerFields;
  std::vector<std::string> Files;
};

/// The directory holding the default database files: $EVGUARD_DATA_DIR if
/// set, else the installed location (<prefix>/share/evguard/annotations,
/// found from the executable's directory or from the shared object holding
/// this code, e.g. the clang-tidy plugin), else the source tree's
/// annotations/.
std::string defaultDatabaseDir();
/// The default files in that directory, sorted (every *.json but schema.json).
llvm::Expected<std::vector<std::string>> defaultDatabaseFiles();

} // namespace evguard

#endif
