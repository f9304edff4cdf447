// The loader's error messages: each names FILE:LINE:COL of the offending
// value and says what is wrong and what to do.

#include "evguard/Database.h"
#include "llvm/Support/Error.h"
#include "gtest/gtest.h"

using namespace evguard;

namespace {

/// The error addBuffer reports for Text, or "" if it loads.
std::string errorOf(llvm::StringRef Text, AnnotationDatabase *DB = nullptr) {
  AnnotationDatabase Local;
  if (!DB)
    DB = &Local;
  llvm::Error Err = DB->addBuffer(Text, "t.json");
  return Err ? llvm::toString(std::move(Err)) : "";
}

void expectError(llvm::StringRef Text, llvm::StringRef Where,
                 llvm::StringRef Mentions) {
  std::string Msg = errorOf(Text);
  EXPECT_TRUE(
      llvm::StringRef(Msg).starts_with(("t.json:" + Where + ": error: ").str()))
      << Msg;
  EXPECT_NE(Msg.find(Mentions.str()), std::string::npos) << Msg;
  // Every message also says what to do, after a "; ".
  EXPECT_NE(Msg.find("; "), std::string::npos) << Msg;
}

TEST(Loader, MalformedJson) {
  expectError(
      "{\n  \"format\": 1,\n  \"functions\": [ { \"name\": \"poll\", } ]\n}",
      "3:36", "malformed JSON");
}

TEST(Loader, ByteOrderMarkKeepsPositions) {
  // The column counts bytes, the mark's three included.
  expectError("\xEF\xBB\xBF{ \"format\": 1,\n  \"functions\": [ { \"name\": 7, "
              "\"nonblocking\": true } ] }",
              "2:28", "'name' must be a string");
}

TEST(Loader, EmptyFile) { expectError("", "1:1", "malformed JSON"); }

TEST(Loader, TopLevelNotObject) {
  expectError("[1]", "1:1", "the top level must be an object, found array");
}

TEST(Loader, MissingFormat) {
  expectError("{\n  \"functions\": []\n}", "1:1", "no 'format'");
}

TEST(Loader, UnsupportedFormat) {
  expectError("{ \"format\": 2 }", "1:13", "unsupported format version 2");
}

TEST(Loader, FormatWrongType) {
  expectError("{ \"format\": \"1\" }", "1:13",
              "'format' must be an integer, found string");
}

TEST(Loader, UnknownTopLevelKey) {
  expectError("{ \"format\": 1,\n  \"fuctions\": [] }", "2:3",
              "unknown key 'fuctions'");
  expectError("{ \"format\": 1,\n  \"fuctions\": [] }", "2:3",
              "allowed keys are $schema, format, description, functions");
}

TEST(Loader, UnknownEntryKey) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocks": {} } ] })",
              "2:18", "allowed keys are name, class, params, blocking");
}

TEST(Loader, WrongTypeName) {
  expectError(R"({ "format": 1, "functions": [
  { "name": 5, "nonblocking": true } ] })",
              "2:13", "'name' must be a string, found number");
}

TEST(Loader, WrongTypeFunctions) {
  expectError(R"({ "format": 1, "functions": {} })", "1:29",
              "'functions' must be an array");
}

TEST(Loader, EntryNotObject) {
  expectError(R"({ "format": 1, "functions": [ "poll" ] })", "1:31",
              "a function entry must be an object, found string");
}

TEST(Loader, EmptyName) {
  expectError(R"({ "format": 1, "functions": [
  { "name": " ", "nonblocking": true } ] })",
              "2:13", "'name' is empty");
}

TEST(Loader, MissingName) {
  expectError(R"({ "format": 1, "functions": [
  { "nonblocking": true } ] })",
              "2:3", "has no 'name'");
}

TEST(Loader, UnknownCategory) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f",
    "blocking": { "category": "disk", "reason": "r" } } ] })",
              "3:31", "unknown category 'disk'");
  expectError(R"({ "format": 1, "functions": [
  { "name": "f",
    "blocking": { "category": "disk", "reason": "r" } } ] })",
              "3:31",
              "sleep, lock, wait, disk-io, network-io, dns, process, ipc, "
              "page-fault, other");
}

TEST(Loader, MissingReason) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "sleep" } } ] })",
              "2:30", "'blocking' has no 'reason'");
}

TEST(Loader, IndexTooLarge) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "registers_handler": [1, 64] } ] })",
              "2:43", "parameter index 64 is out of range");
}

TEST(Loader, IndexNegative) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "offloads": [-1] } ] })",
              "2:31", "parameter index -1 is out of range");
}

TEST(Loader, IndexBeyondParams) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "params": ["int"], "offloads": [1] } ] })",
              "2:50", "out of range for the 1 parameter(s)");
}

TEST(Loader, ConditionArgOutOfRange) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "wait", "reason": "r",
    "unless": [ { "arg": 99, "equals": 0 } ] } } ] })",
              "3:26", "argument index 99 is out of range");
}

TEST(Loader, IndexNotInteger) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "offloads": [1.5] } ] })",
              "2:31", "must be an integer, found number");
}

TEST(Loader, UnknownCondition) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "wait", "reason": "r",
    "unless": [ { "arg": 1, "less_than": 0 } ] } } ] })",
              "3:29", "unknown condition 'less_than'");
}

TEST(Loader, ConditionWithoutTest) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "wait", "reason": "r",
    "unless": [ { "arg": 1 } ] } } ] })",
              "3:17", "a condition has no test");
}

TEST(Loader, ConditionWithTwoTests) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "wait", "reason": "r",
    "unless": [ { "arg": 1, "equals": 0, "non_null": true } ] } } ] })",
              "3:17", "more than one test");
}

TEST(Loader, FlagWithoutValue) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "wait", "reason": "r",
    "unless": [ { "arg": 1, "has_flag": "MSG_DONTWAIT" } ] } } ] })",
              "3:17", "flag 'MSG_DONTWAIT' has no 'value'");
}

TEST(Loader, NonNullFalse) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "wait", "reason": "r",
    "unless": [ { "arg": 1, "non_null": false } ] } } ] })",
              "3:41", "'non_null' must be true");
}

TEST(Loader, NotRegularFileFalse) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "disk-io", "reason": "r",
    "unless": [ { "arg": 0, "not_regular_file": 1 } ] } } ] })",
              "3:49", "'not_regular_file' must be true");
}

TEST(Loader, PathPrefixNotADirectory) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "disk-io", "reason": "r",
    "unless": [ { "arg": 0, "path_prefix": ["/proc/", "proc"] } ] } } ] })",
              "3:55", "path prefix 'proc' is not an absolute directory");
}

TEST(Loader, PathPrefixEmpty) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking": { "category": "disk-io", "reason": "r",
    "unless": [ { "arg": 0, "path_prefix": [] } ] } } ] })",
              "3:44", "'path_prefix' must be a non-empty array of strings");
}

TEST(Loader, PathPrefixRoundTrip) {
  AnnotationDatabase DB;
  ASSERT_EQ(errorOf(R"({ "format": 1, "functions": [
  { "name": "open", "blocking": { "category": "disk-io", "reason": "r",
    "unless": [ { "arg": 0, "path_prefix": ["/proc/", "/sys/"] } ] },
    "opens_file": true } ] })",
                    &DB),
            "");
  const Condition &C = DB.functions()[0].Blocking->Unless.at(0);
  EXPECT_EQ(C.K, Condition::Kind::PathPrefix);
  EXPECT_EQ(C.Prefixes, (std::vector<std::string>{"/proc/", "/sys/"}));
  EXPECT_NE(DB.toJson().find("\"path_prefix\""), std::string::npos);
}

TEST(Loader, SetsNonblockingWithoutArg) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "sets_nonblocking": { "if": [] } } ] })",
              "2:38", "'sets_nonblocking' has no 'arg'");
}

TEST(Loader, DescriptorFactTestsValuesOnly) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking_descriptor": { "unless": [
    { "arg": 0, "not_regular_file": true } ] } } ] })",
              "3:5", "a descriptor fact tests argument values only");
}

TEST(Loader, BlockingDescriptorWrongType) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "blocking_descriptor": 1 } ] })",
              "2:41", "'blocking_descriptor' must be true or {\"unless\": [conditions]}, found number");
}

TEST(Loader, DescriptorFactsRoundTrip) {
  AnnotationDatabase DB;
  ASSERT_EQ(errorOf(R"({ "format": 1, "functions": [
  { "name": "socket", "blocking_descriptor": { "unless": [
    { "arg": 1, "has_flag": "SOCK_NONBLOCK", "value": 2048 } ] } },
  { "name": "fcntl", "sets_nonblocking": { "arg": 0, "if": [
    { "arg": 1, "equals": 4 } ] } } ] })",
                    &DB),
            "");
  ASSERT_EQ(DB.functions().size(), 2u);
  ASSERT_TRUE(DB.functions()[0].BlockingDescriptor);
  EXPECT_EQ(DB.functions()[0].BlockingDescriptor->Unless.at(0).FlagValue, 2048);
  ASSERT_TRUE(DB.functions()[1].SetsNonblocking);
  EXPECT_EQ(DB.functions()[1].SetsNonblocking->If.at(0).Value, 4);
  std::string Printed = DB.toJson();
  EXPECT_NE(Printed.find("\"blocking_descriptor\""), std::string::npos);
  EXPECT_NE(Printed.find("\"sets_nonblocking\""), std::string::npos);
}

TEST(Loader, OpensFileWrongType) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "opens_file": "yes" } ] })",
              "2:32", "'opens_file' must be true or false, found string");
}

TEST(Loader, DescriptorConditionAndOpener) {
  AnnotationDatabase DB;
  ASSERT_EQ(errorOf(R"({ "format": 1, "functions": [
  { "name": "read", "blocking": { "category": "disk-io", "reason": "r",
    "unless": [ { "arg": 0, "not_regular_file": true } ] } },
  { "name": "open", "opens_file": true } ] })",
                    &DB),
            "");
  ASSERT_EQ(DB.functions().size(), 2u);
  EXPECT_EQ(DB.functions()[0].Blocking->Unless.at(0).K,
            Condition::Kind::NotRegularFile);
  EXPECT_TRUE(DB.functions()[1].OpensFile);
  EXPECT_NE(DB.toJson().find("\"not_regular_file\": true"), std::string::npos);
  EXPECT_NE(DB.toJson().find("\"opens_file\": true"), std::string::npos);
}

TEST(Loader, RemoveWithOtherFields) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "remove": true, "nonblocking": true } ] })",
              "2:34", "unknown key 'nonblocking' in a removal");
}

TEST(Loader, RemoveMissing) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "nonblocking": true },
  { "name": "f", "class": "C", "remove": true } ] })",
              "3:3", "cannot remove 'f' with class 'C'");
}

TEST(Loader, EntrySaysNothing) {
  expectError(R"({ "format": 1, "functions": [ { "name": "f" } ] })", "1:31",
              "the entry for 'f' says nothing");
}

TEST(Loader, BlockingAndNonblocking) {
  expectError(R"({ "format": 1, "functions": [
  { "name": "f", "nonblocking": true,
    "blocking": { "category": "sleep", "reason": "r" } } ] })",
              "2:33", "both blocking and nonblocking");
}

TEST(Loader, HandlerFieldMissingField) {
  expectError(R"({ "format": 1,
  "handler_fields": [ { "record": "ngx_event_s" } ] })",
              "2:23", "a handler field has no 'field'");
}

TEST(Loader, RemoveMissingHandlerField) {
  expectError(R"({ "format": 1,
  "remove_handler_fields": [ { "record": "r", "field": "f" } ] })",
              "2:30", "cannot remove handler field 'r::f'");
}

TEST(Loader, UnreadableFile) {
  AnnotationDatabase DB;
  llvm::Error Err = DB.addFile("/nonexistent/evguard/x.json");
  ASSERT_TRUE(bool(Err));
  std::string Msg = llvm::toString(std::move(Err));
  EXPECT_NE(Msg.find("/nonexistent/evguard/x.json: error: cannot read"),
            std::string::npos)
      << Msg;
}

TEST(Loader, FailedFileLeavesDatabaseUnchanged) {
  AnnotationDatabase DB;
  ASSERT_EQ(errorOf(R"({ "format": 1, "functions": [
    { "name": "a", "nonblocking": true } ] })",
                    &DB),
            "");
  EXPECT_NE(errorOf(R"({ "format": 1, "functions": [
    { "name": "a", "remove": true },
    { "name": "b", "remove": true } ] })",
                    &DB),
            "");
  EXPECT_TRUE(DB.mentions("a"));
  EXPECT_EQ(DB.functions().size(), 1u);
  EXPECT_EQ(DB.files().size(), 1u);
}

} // namespace

TEST(Loader, AllowBlockingNeedsAReason) {
  expectError("{ \"format\": 1, \"functions\": [\n"
              "  { \"name\": \"crash_report\", \"allow_blocking\": {} } ] }",
              "2:47", "'allow_blocking' has no 'reason'");
}

TEST(Loader, AllowBlockingAndForksAreRead) {
  AnnotationDatabase DB;
  ASSERT_FALSE(bool(DB.addBuffer(
      "{ \"format\": 1, \"functions\": [\n"
      "  { \"name\": \"crash_report\", \"allow_blocking\": { \"reason\": \"the process exits\" } },\n"
      "  { \"name\": \"spawn\", \"forks\": true } ] }",
      "mine.json")));
  FunctionKey Crash, Spawn;
  Crash.Name = "crash_report";
  Spawn.Name = "spawn";
  const FunctionEntry *C = DB.lookup(Crash);
  ASSERT_NE(C, nullptr);
  EXPECT_EQ(C->AllowBlocking.value_or(""), "the process exits");
  const FunctionEntry *S = DB.lookup(Spawn);
  ASSERT_NE(S, nullptr);
  EXPECT_TRUE(S->Forks);
  EXPECT_NE(DB.toJson().find("\"forks\": true"), std::string::npos);
}
