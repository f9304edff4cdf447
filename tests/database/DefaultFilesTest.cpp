// The default database files: they load, keep every entry, and say what
// evguard relies on. Also where they are found.

#include "evguard/Database.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"
#include <cstdlib>
#include <dlfcn.h>

using namespace evguard;

namespace {

const std::string AnnotationsDir = EVGUARD_TEST_ANNOTATIONS_DIR;
const std::string InvalidDir = EVGUARD_TEST_INVALID_DIR;

AnnotationDatabase loadOne(llvm::StringRef Name) {
  AnnotationDatabase DB;
  llvm::Error Err = DB.addFile(AnnotationsDir + "/" + Name.str());
  EXPECT_FALSE(bool(Err)) << llvm::toString(std::move(Err));
  return DB;
}

const AnnotationDatabase &all() {
  static const AnnotationDatabase DB = [] {
    AnnotationDatabase DB;
    for (const char *Name : {"posix.json", "cxx-stdlib.json", "libuv.json",
                             "libevent.json", "boost-asio.json"})
      if (llvm::Error Err = DB.addFile(AnnotationsDir + "/" + Name))
        ADD_FAILURE() << llvm::toString(std::move(Err));
    return DB;
  }();
  return DB;
}

FunctionKey key(std::string Name, std::vector<std::string> Params = {},
                std::vector<std::string> Canonical = {}) {
  FunctionKey K;
  K.Name = std::move(Name);
  K.ParamTypes = std::move(Params);
  K.CanonicalParamTypes = Canonical.empty() ? K.ParamTypes : Canonical;
  return K;
}

FunctionKey member(std::string Name, std::string Class, std::string Template,
                   std::vector<std::string> Params = {},
                   std::vector<std::string> Canonical = {}) {
  FunctionKey K = key(std::move(Name), std::move(Params), std::move(Canonical));
  K.Class = std::move(Class);
  K.ClassTemplate = std::move(Template);
  return K;
}

// Exact counts: an entry dropped by a bad edit (or merged away by a
// duplicate key) must fail here, not vanish silently.
TEST(DefaultFiles, EntryCounts) {
  EXPECT_EQ(loadOne("posix.json").functions().size(), 297u);
  EXPECT_EQ(loadOne("cxx-stdlib.json").functions().size(), 146u);
  EXPECT_EQ(loadOne("libuv.json").functions().size(), 83u);
  EXPECT_EQ(loadOne("libuv.json").handlerFields().size(), 1u);
  EXPECT_EQ(loadOne("libevent.json").functions().size(), 56u);
  EXPECT_EQ(loadOne("boost-asio.json").functions().size(), 75u);
  // Different files never name the same key.
  EXPECT_EQ(all().functions().size(), 297u + 146 + 83 + 56 + 75);
}

TEST(DefaultFiles, PollWithZeroTimeoutDoesNotBlock) {
  const FunctionEntry *Poll = all().lookup(key("poll"));
  ASSERT_NE(Poll, nullptr);
  ASSERT_TRUE(Poll->Blocking);
  EXPECT_EQ(Poll->Blocking->Cat, Category::Wait);
  ASSERT_EQ(Poll->Blocking->Unless.size(), 1u);
  const Condition &C = Poll->Blocking->Unless[0];
  EXPECT_EQ(C.K, Condition::Kind::Equals);
  EXPECT_EQ(C.Arg, 2u) << "poll(fds, nfds, timeout): the timeout is arg 2";
  EXPECT_EQ(C.Value, 0);
  const FunctionEntry *EpollWait = all().lookup(key("epoll_wait"));
  ASSERT_NE(EpollWait, nullptr);
  EXPECT_EQ(EpollWait->Blocking->Unless.at(0).Arg, 3u);
}

TEST(DefaultFiles, RecvWithDontwaitDoesNotBlock) {
  const FunctionEntry *Recv = all().lookup(key("recv"));
  ASSERT_NE(Recv, nullptr);
  EXPECT_EQ(Recv->Blocking->Unless.at(0).K, Condition::Kind::NotRegularFile);
  const Condition &C = Recv->Blocking->Unless.at(1);
  EXPECT_EQ(C.K, Condition::Kind::HasFlag);
  EXPECT_EQ(C.Arg, 3u);
  EXPECT_EQ(C.Flag, "MSG_DONTWAIT");
  EXPECT_EQ(C.FlagValue, 0x40);
  EXPECT_EQ(Recv->Blocking->Cat, Category::NetworkIO);
}

TEST(DefaultFiles, ReadBlocksOnRegularFilesOnly) {
  const FunctionEntry *Read = all().lookup(key("read"));
  ASSERT_NE(Read, nullptr);
  ASSERT_TRUE(Read->Blocking);
  EXPECT_EQ(Read->Blocking->Cat, Category::DiskIO);
  const Condition &C = Read->Blocking->Unless.at(0);
  EXPECT_EQ(C.K, Condition::Kind::NotRegularFile);
  EXPECT_EQ(C.Arg, 0u);
  for (const char *Opener : {"open", "openat", "creat", "mkstemp", "fileno"}) {
    const FunctionEntry *E = all().lookup(key(Opener));
    ASSERT_NE(E, nullptr) << Opener;
    EXPECT_TRUE(E->OpensFile) << Opener;
  }
  const FunctionEntry *Pread = all().lookup(key("pread"));
  ASSERT_NE(Pread, nullptr);
  EXPECT_TRUE(Pread->Blocking->Unless.empty()) << "pread only works on files";
}

TEST(DefaultFiles, SocketsStartBlockingUntilSwitched) {
  const FunctionEntry *Socket = all().lookup(key("socket"));
  ASSERT_NE(Socket, nullptr);
  ASSERT_TRUE(Socket->BlockingDescriptor);
  EXPECT_EQ(Socket->BlockingDescriptor->Unless.at(0).Flag, "SOCK_NONBLOCK");
  const FunctionEntry *Accept = all().lookup(key("accept"));
  ASSERT_NE(Accept, nullptr);
  ASSERT_TRUE(Accept->BlockingDescriptor);
  EXPECT_TRUE(Accept->BlockingDescriptor->Unless.empty());
  const FunctionEntry *Fcntl = all().lookup(key("fcntl"));
  ASSERT_NE(Fcntl, nullptr);
  ASSERT_TRUE(Fcntl->SetsNonblocking);
  EXPECT_EQ(Fcntl->SetsNonblocking->Arg, 0u);
  ASSERT_EQ(Fcntl->SetsNonblocking->If.size(), 2u);
  EXPECT_EQ(Fcntl->SetsNonblocking->If[1].FlagValue, 04000);
}

TEST(DefaultFiles, UvFsOpenWithCallbackDoesNotBlock) {
  const FunctionEntry *Open = all().lookup(key("uv_fs_open"));
  ASSERT_NE(Open, nullptr);
  ASSERT_TRUE(Open->Blocking);
  EXPECT_EQ(Open->Blocking->Cat, Category::DiskIO);
  const Condition &C = Open->Blocking->Unless.at(0);
  EXPECT_EQ(C.K, Condition::Kind::NonNull);
  EXPECT_EQ(C.Arg, 5u);
  EXPECT_EQ(Open->RegistersHandler, std::vector<unsigned>{5});
}

TEST(DefaultFiles, MutexLockButNotTrylock) {
  const FunctionEntry *Lock = all().lookup(key("pthread_mutex_lock"));
  ASSERT_NE(Lock, nullptr);
  ASSERT_TRUE(Lock->Blocking);
  EXPECT_EQ(Lock->Blocking->Cat, Category::Lock);
  const FunctionEntry *Try = all().lookup(key("pthread_mutex_trylock"));
  EXPECT_TRUE(!Try || !Try->Blocking);
  const FunctionEntry *SemTry = all().lookup(key("sem_trywait"));
  EXPECT_TRUE(!SemTry || !SemTry->Blocking);
}

TEST(DefaultFiles, LockGuardOfMutexLocks) {
  // As Naming.h computes it for the instantiated constructor.
  FunctionKey Ctor =
      member("std::lock_guard::lock_guard", "std::lock_guard<std::mutex>",
             "std::lock_guard", {"mutex_type &"}, {"std::mutex &"});
  const FunctionEntry *E = all().lookup(Ctor);
  ASSERT_NE(E, nullptr);
  ASSERT_TRUE(E->Blocking);
  EXPECT_EQ(E->Blocking->Cat, Category::Lock);
  // The adopt_lock constructor takes a mutex already held.
  FunctionKey Adopt =
      member("std::lock_guard::lock_guard", "std::lock_guard<std::mutex>",
             "std::lock_guard", {"mutex_type &", "adopt_lock_t"},
             {"std::mutex &", "std::adopt_lock_t"});
  const FunctionEntry *A = all().lookup(Adopt);
  EXPECT_TRUE(!A || !A->Blocking);
}

TEST(DefaultFiles, UvQueueWorkOffloadsAndRegisters) {
  const FunctionEntry *E = all().lookup(key("uv_queue_work"));
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(E->Offloads, std::vector<unsigned>{2}) << "work_cb";
  EXPECT_EQ(E->RegistersHandler, std::vector<unsigned>{3}) << "after_work_cb";
  EXPECT_FALSE(E->Blocking);
}

TEST(DefaultFiles, NarrowingsPickTheRightOverload) {
  const FunctionEntry *ByPath =
      all().lookup(key("std::filesystem::exists", {"const path &"}));
  ASSERT_NE(ByPath, nullptr);
  EXPECT_TRUE(ByPath->Blocking);
  const FunctionEntry *ByStatus =
      all().lookup(key("std::filesystem::exists", {"file_status"},
                       {"std::filesystem::file_status"}));
  ASSERT_NE(ByStatus, nullptr);
  EXPECT_TRUE(ByStatus->Nonblocking);
  const char *Iter = "std::filesystem::directory_iterator";
  const FunctionEntry *Default = all().lookup(member(
      "std::filesystem::directory_iterator::directory_iterator", Iter, Iter));
  ASSERT_NE(Default, nullptr);
  EXPECT_TRUE(Default->Nonblocking);
  const FunctionEntry *Open = all().lookup(
      member("std::filesystem::directory_iterator::directory_iterator", Iter,
             Iter, {"const path &"}));
  ASSERT_NE(Open, nullptr);
  EXPECT_TRUE(Open->Blocking);
}

/// Printed JSON without the lines that name files: "origin" and the
/// description differ between a database and its reloaded print.
std::string withoutOrigins(llvm::StringRef Json) {
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Json.split(Lines, '\n');
  std::string Out;
  for (llvm::StringRef Line : Lines)
    if (!Line.contains("\"origin\":") && !Line.contains("\"description\":"))
      Out += Line.rtrim(',').str() + "\n";
  return Out;
}

TEST(DefaultFiles, PrintedDatabaseReloads) {
  std::string Printed = all().toJson();
  AnnotationDatabase Again;
  llvm::Error Err = Again.addBuffer(Printed, "printed.json");
  ASSERT_FALSE(bool(Err)) << llvm::toString(std::move(Err));
  EXPECT_EQ(Again.functions().size(), all().functions().size());
  EXPECT_EQ(withoutOrigins(Again.toJson()), withoutOrigins(Printed));
  EXPECT_NE(Printed.find("\"origin\": \"" + AnnotationsDir + "/posix.json:"),
            std::string::npos);
}

// Every sample the schema rejects, the loader rejects too, with a position.
TEST(DefaultFiles, InvalidSamplesAreRejected) {
  std::error_code EC;
  unsigned Seen = 0;
  for (llvm::sys::fs::directory_iterator It(InvalidDir, EC), End;
       It != End && !EC; It.increment(EC)) {
    ++Seen;
    AnnotationDatabase DB;
    llvm::Error Err = DB.addFile(It->path());
    ASSERT_TRUE(bool(Err)) << It->path() << " loaded";
    std::string Msg = llvm::toString(std::move(Err));
    EXPECT_EQ(Msg.rfind(It->path() + ":1:", 0), 0u) << Msg;
    EXPECT_NE(Msg.find(": error: "), std::string::npos) << Msg;
  }
  EXPECT_FALSE(EC) << EC.message();
  EXPECT_GE(Seen, 9u);
}

TEST(DefaultFiles, DirectoryFromEnvironment) {
  ::setenv("EVGUARD_DATA_DIR", InvalidDir.c_str(), 1);
  EXPECT_EQ(defaultDatabaseDir(), InvalidDir);
  ::setenv("EVGUARD_DATA_DIR", "/nonexistent/evguard-data", 1);
  auto Missing = defaultDatabaseFiles();
  ASSERT_FALSE(bool(Missing));
  std::string Msg = llvm::toString(Missing.takeError());
  EXPECT_NE(Msg.find("/nonexistent/evguard-data: error: cannot list"),
            std::string::npos)
      << Msg;
  // Unset: the test binary has no installed share/ next to it, so the
  // source tree's annotations/ is used.
  ::unsetenv("EVGUARD_DATA_DIR");
  EXPECT_EQ(defaultDatabaseDir(), AnnotationsDir);
  auto Files = defaultDatabaseFiles();
  ASSERT_TRUE(bool(Files)) << llvm::toString(Files.takeError());
  EXPECT_TRUE(std::is_sorted(Files->begin(), Files->end()));
  std::vector<std::string> Names;
  for (const std::string &F : *Files)
    Names.push_back(llvm::sys::path::filename(F).str());
  for (const char *Mine : {"posix.json", "cxx-stdlib.json", "libuv.json",
                           "libevent.json", "boost-asio.json"})
    EXPECT_NE(std::find(Names.begin(), Names.end(), Mine), Names.end()) << Mine;
  EXPECT_EQ(std::find(Names.begin(), Names.end(), "schema.json"), Names.end());
}

// The clang-tidy plugin lives in <prefix>/lib/evguard/ inside a clang-tidy
// that is not ours: it must find <prefix>/share/evguard/annotations from its
// own location, not the executable's.
TEST(DefaultFiles, InstalledPluginFindsItsPrefix) {
  llvm::SmallString<128> Prefix;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("evguard-prefix", Prefix));
  llvm::SmallString<128> LibDir(Prefix), DataDir(Prefix), Module;
  llvm::sys::path::append(LibDir, "lib", "evguard");
  llvm::sys::path::append(DataDir, "share", "evguard", "annotations");
  ASSERT_FALSE(llvm::sys::fs::create_directories(LibDir));
  ASSERT_FALSE(llvm::sys::fs::create_directories(DataDir));
  Module = LibDir;
  llvm::sys::path::append(Module, "libevguard-probe.so");
  ASSERT_FALSE(llvm::sys::fs::copy_file(EVGUARD_TEST_DIRPROBE, Module));

  ::unsetenv("EVGUARD_DATA_DIR");
  void *Handle = dlopen(Module.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(Handle, nullptr) << dlerror();
  using ProbeFn = const char *(*)();
  auto Probe =
      reinterpret_cast<ProbeFn>(dlsym(Handle, "evguardProbeDefaultDir"));
  ASSERT_NE(Probe, nullptr) << dlerror();
  llvm::SmallString<128> RealData;
  ASSERT_FALSE(llvm::sys::fs::real_path(DataDir, RealData));
  llvm::SmallString<128> Found;
  ASSERT_FALSE(llvm::sys::fs::real_path(Probe(), Found)) << Probe();
  EXPECT_EQ(Found, RealData);
  dlclose(Handle);
  llvm::sys::fs::remove_directories(Prefix);
}

// Whatever else lives in annotations/ (evguard-runtime.json) must merge with
// the files above: evguard loads them all.
TEST(DefaultFiles, AllDefaultFilesMerge) {
  ::unsetenv("EVGUARD_DATA_DIR");
  auto Files = defaultDatabaseFiles();
  ASSERT_TRUE(bool(Files)) << llvm::toString(Files.takeError());
  AnnotationDatabase DB;
  for (const std::string &F : *Files) {
    llvm::Error Err = DB.addFile(F);
    EXPECT_FALSE(bool(Err)) << llvm::toString(std::move(Err));
  }
  EXPECT_GE(DB.functions().size(), all().functions().size());
}

} // namespace
