#include "TestUtil.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdio>
#include <gtest/gtest.h>

using namespace evguard;
using namespace evguard::test;

TempDir::TempDir() {
  llvm::SmallString<128> Dir;
  if (std::error_code EC =
          llvm::sys::fs::createUniqueDirectory("evguard-report-test", Dir))
    ADD_FAILURE() << "cannot create a temporary directory: " << EC.message();
  // Tests compare paths textually: resolve /tmp symlinks once.
  llvm::SmallString<128> Real;
  llvm::sys::fs::real_path(Dir, Real);
  Path = std::string(Real.empty() ? Dir : Real);
}

TempDir::~TempDir() { llvm::sys::fs::remove_directories(Path); }

std::string TempDir::write(llvm::StringRef Rel, llvm::StringRef Text) const {
  llvm::SmallString<256> File(Path);
  llvm::sys::path::append(File, Rel);
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(File));
  std::error_code EC;
  llvm::raw_fd_ostream OS(File, EC);
  EXPECT_FALSE(EC) << "cannot write " << File.str().str();
  OS << Text;
  return std::string(File);
}

std::string evguard::test::readFile(llvm::StringRef Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf)
    return "";
  return (*Buf)->getBuffer().str();
}

std::string evguard::test::validateSarif(llvm::StringRef File) {
  llvm::StringRef Validator = EVGUARD_SARIF_VALIDATOR;
  if (!llvm::sys::fs::exists(Validator))
    return "the SARIF validator " + Validator.str() +
           " is missing: the shared/sarif directory must sit next to the "
           "project (../shared/sarif/validate-sarif)";
  std::string Command =
      "python3 '" + Validator.str() + "' --strict '" + File.str() + "' 2>&1";
  FILE *Pipe = popen(Command.c_str(), "r");
  if (!Pipe)
    return "cannot run " + Command;
  std::string Output;
  char Buf[4096];
  while (size_t N = fread(Buf, 1, sizeof Buf, Pipe))
    Output.append(Buf, N);
  int Status = pclose(Pipe);
  return Status == 0 ? "" : "validate-sarif failed:\n" + Output;
}

Finding evguard::test::blockingFinding(llvm::StringRef File, unsigned Line,
                                       llvm::StringRef Callee,
                                       llvm::StringRef Function,
                                       llvm::StringRef Root, Category Cat) {
  Finding F;
  F.TheRule = Cat == Category::PageFault ? Rule::PageFault : Rule::BlockingCall;
  F.Loc = {File.str(), Line, 5};
  F.Callee = Callee.str();
  F.EnclosingFunction = Function.str();
  F.Cat = Cat;
  F.Reason = "waits for the disk";
  F.Message = "call to '" + Callee.str() + "' may block the event loop (" +
              categoryName(Cat).str() + ": waits for the disk)";
  F.Roots = {Root.str()};
  Chain C;
  C.Root = Root.str();
  C.RootLoc = {File.str(), 1, 13};
  C.RegisteredAt = SourcePoint{File.str(), 2, 3};
  C.RegisteredVia = "uv_timer_start";
  C.Steps.push_back({Root.str(), Function.str(), {File.str(), 1, 20}, "direct"});
  C.Steps.push_back({Function.str(), Callee.str(), F.Loc, "direct"});
  F.Chains.push_back(C);
  return F;
}
