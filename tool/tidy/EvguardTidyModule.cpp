//===- EvguardTidyModule.cpp - evguard as a clang-tidy plugin -------------===//
//
// Loaded with clang-tidy-19 --load=libevguard-tidy.so: the static registrar
// below adds the module to the registry of the clang-tidy executable, which
// exports it (docs/clang-tidy.md).
//
//===----------------------------------------------------------------------===//

#include "EvguardCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace evguard::tidy {

class EvguardModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &F) override {
    F.registerCheck<BlockingCallCheck>(ruleId(Rule::BlockingCall));
    F.registerCheck<PageFaultCheck>(ruleId(Rule::PageFault));
    F.registerCheck<NonblockingViolationCheck>(
        ruleId(Rule::NonblockingViolation));
    F.registerCheck<UnknownCallCheck>(ruleId(Rule::UnknownCall));
  }
};

} // namespace evguard::tidy

static clang::tidy::ClangTidyModuleRegistry::Add<evguard::tidy::EvguardModule>
    Registered("evguard-module",
               "Finds code that can stall an event loop (evguard).");
