// Merging, lookup specificity, printing, and the JSON locator.

#include "evguard/Database.h"
#include "evguard/JsonLocator.h"
#include "llvm/Support/Error.h"
#include "gtest/gtest.h"

using namespace evguard;

namespace {

void load(AnnotationDatabase &DB, llvm::StringRef Text,
          llvm::StringRef Name = "t.json") {
  llvm::Error Err = DB.addBuffer(Text, Name);
  ASSERT_FALSE(bool(Err)) << llvm::toString(std::move(Err));
}

FunctionKey key(std::string Name, std::string Class = "",
                std::string Template = "", std::vector<std::string> Params = {},
                std::vector<std::string> Canonical = {}) {
  FunctionKey K;
  K.Name = std::move(Name);
  K.Class = std::move(Class);
  K.ClassTemplate = std::move(Template);
  K.ParamTypes = std::move(Params);
  K.CanonicalParamTypes = Canonical.empty() ? K.ParamTypes : Canonical;
  return K;
}

const char *const Base = R"({ "format": 1, "functions": [
  { "name": "poll", "blocking": { "category": "wait", "reason": "waits",
      "unless": [ { "arg": 2, "equals": 0 } ] } },
  { "name": "recv", "blocking": { "category": "network-io", "reason": "r",
      "unless": [ { "arg": 3, "has_flag": "MSG_DONTWAIT", "value": 64 } ] } },
  { "name": "trusted", "nonblocking": true }
] })";

TEST(Merge, EntriesAndOrigins) {
  AnnotationDatabase DB;
  load(DB, Base, "base.json");
  ASSERT_EQ(DB.functions().size(), 3u);
  const FunctionEntry *Poll = DB.lookup(key("poll"));
  ASSERT_NE(Poll, nullptr);
  EXPECT_EQ(Poll->From.str(), "base.json:2:3");
  ASSERT_TRUE(Poll->Blocking);
  EXPECT_EQ(Poll->Blocking->Cat, Category::Wait);
  ASSERT_EQ(Poll->Blocking->Unless.size(), 1u);
  EXPECT_EQ(Poll->Blocking->Unless[0].K, Condition::Kind::Equals);
  EXPECT_EQ(Poll->Blocking->Unless[0].Arg, 2u);
  const FunctionEntry *Recv = DB.lookup(key("recv"));
  ASSERT_NE(Recv, nullptr);
  const Condition &C = Recv->Blocking->Unless.at(0);
  EXPECT_EQ(C.K, Condition::Kind::HasFlag);
  EXPECT_EQ(C.Flag, "MSG_DONTWAIT");
  EXPECT_EQ(C.FlagValue, 64);
  EXPECT_TRUE(DB.lookup(key("trusted"))->Nonblocking);
}

TEST(Merge, LaterFileReplacesWholesale) {
  AnnotationDatabase DB;
  load(DB, Base, "base.json");
  load(DB, R"({ "format": 1, "functions": [
  { "name": "poll", "may_fault": { "reason": "test" } } ] })",
       "user.json");
  ASSERT_EQ(DB.functions().size(), 3u);
  const FunctionEntry *Poll = DB.lookup(key("poll"));
  ASSERT_NE(Poll, nullptr);
  EXPECT_FALSE(Poll->Blocking) << "replacement is wholesale, not a merge";
  ASSERT_TRUE(Poll->MayFault);
  EXPECT_EQ(Poll->From.File, "user.json");
  EXPECT_EQ(DB.files(), (std::vector<std::string>{"base.json", "user.json"}));
}

TEST(Merge, SameKeyInOneFileReplaces) {
  AnnotationDatabase DB;
  load(DB, R"({ "format": 1, "functions": [
  { "name": "f", "nonblocking": true },
  { "name": "f", "offloads": [0] } ] })");
  ASSERT_EQ(DB.functions().size(), 1u);
  EXPECT_FALSE(DB.functions()[0].Nonblocking);
  EXPECT_EQ(DB.functions()[0].Offloads, std::vector<unsigned>{0});
}

TEST(Merge, DifferentNarrowingsCoexist) {
  AnnotationDatabase DB;
  load(DB, R"({ "format": 1, "functions": [
  { "name": "f", "nonblocking": true },
  { "name": "f", "class": "C", "nonblocking": true },
  { "name": "f", "params": ["int"], "nonblocking": true },
  { "name": "f", "params": [" int "], "offloads": [0] } ] })");
  // The last one has the same key as the third: params compare without
  // whitespace.
  EXPECT_EQ(DB.functions().size(), 3u);
}

TEST(Merge, Remove) {
  AnnotationDatabase DB;
  load(DB, Base);
  load(
      DB,
      R"({ "format": 1, "functions": [ { "name": "poll", "remove": true } ] })");
  EXPECT_EQ(DB.lookup(key("poll")), nullptr);
  EXPECT_FALSE(DB.mentions("poll"));
  EXPECT_TRUE(DB.mentions("recv"));
  EXPECT_EQ(DB.functions().size(), 2u);
}

TEST(Merge, RemoveNeedsExactKey) {
  AnnotationDatabase DB;
  load(DB, Base);
  llvm::Error Err = DB.addBuffer(R"({ "format": 1, "functions": [
    { "name": "poll", "params": ["int"], "remove": true } ] })",
                                 "rm.json");
  ASSERT_TRUE(bool(Err));
  std::string Msg = llvm::toString(std::move(Err));
  EXPECT_NE(Msg.find("rm.json:2:5: error: cannot remove 'poll' with params "
                     "[int]"),
            std::string::npos)
      << Msg;
}

TEST(Merge, HandlerFields) {
  AnnotationDatabase DB;
  load(DB, R"({ "format": 1, "handler_fields": [
  { "record": "ngx_event_s", "field": "handler" },
  { "record": "conn", "field": "on_read" } ] })");
  EXPECT_TRUE(DB.isHandlerField("ngx_event_s", "handler"));
  EXPECT_FALSE(DB.isHandlerField("ngx_event_s", "data"));
  load(DB, R"({ "format": 1, "remove_handler_fields": [
  { "record": "conn", "field": "on_read" } ] })");
  EXPECT_FALSE(DB.isHandlerField("conn", "on_read"));
  EXPECT_EQ(DB.handlerFields().size(), 1u);
}

const char *const Narrowed = R"({ "format": 1, "functions": [
  { "name": "N::C::f", "nonblocking": true, "note": "bare" },
  { "name": "N::C::f", "class": "N::C", "nonblocking": true, "note": "template" },
  { "name": "N::C::f", "class": "N::C<int>", "nonblocking": true, "note": "exact" },
  { "name": "N::C::f", "params": ["T &", "int"], "nonblocking": true, "note": "params" },
  { "name": "N::C::f", "class": "N::C", "params": ["T &", "int"], "nonblocking": true,
    "note": "class+params" }
] })";

std::string chosen(const AnnotationDatabase &DB, const FunctionKey &K) {
  const FunctionEntry *E = DB.lookup(K);
  return E ? E->Note : "none";
}

TEST(Lookup, Specificity) {
  AnnotationDatabase DB;
  load(DB, Narrowed);
  // No class, other params: only the bare entry matches.
  EXPECT_EQ(chosen(DB, key("N::C::f", "", "", {"long"})), "bare");
  // The template class matches "N::C"; an exact class wins over it.
  EXPECT_EQ(chosen(DB, key("N::C::f", "N::C<long>", "N::C", {"long"})),
            "template");
  EXPECT_EQ(chosen(DB, key("N::C::f", "N::C<int>", "N::C", {"long"})), "exact");
  // Params beat class; class+params beat params.
  EXPECT_EQ(chosen(DB, key("N::C::f", "M::D<int>", "M::D", {"T&", "int"})),
            "params");
  EXPECT_EQ(chosen(DB, key("N::C::f", "N::C<int>", "N::C", {"T &", "int"})),
            "class+params");
  // The canonical spelling matches too.
  EXPECT_EQ(
      chosen(DB, key("N::C::f", "", "", {"U &", "size_t"}, {"T &", "int"})),
      "params");
  // Different arity: params do not match.
  EXPECT_EQ(chosen(DB, key("N::C::f", "", "", {"T &"})), "bare");
  EXPECT_EQ(DB.lookup(key("N::C::g")), nullptr);
}

TEST(Lookup, TemplateClassNeedsNoArgs) {
  AnnotationDatabase DB;
  load(DB, R"({ "format": 1, "functions": [
  { "name": "f", "class": "C<int>", "offloads": [0] } ] })");
  EXPECT_EQ(DB.lookup(key("f", "C<long>", "C")), nullptr);
  EXPECT_EQ(DB.lookup(key("f")), nullptr);
  EXPECT_NE(DB.lookup(key("f", "C< int >", "C")), nullptr);
}

TEST(Print, RoundTrips) {
  AnnotationDatabase DB;
  load(DB, Base, "base.json");
  load(DB, Narrowed, "narrowed.json");
  load(DB, R"({ "format": 1, "handler_fields": [
  { "record": "r", "field": "f", "note": "n" } ] })",
       "fields.json");
  std::string Printed = DB.toJson();
  AnnotationDatabase Again;
  load(Again, Printed, "printed.json");
  ASSERT_EQ(Again.functions().size(), DB.functions().size());
  for (size_t I = 0; I < DB.functions().size(); ++I) {
    EXPECT_EQ(Again.functions()[I].Name, DB.functions()[I].Name);
    EXPECT_EQ(Again.functions()[I].Class, DB.functions()[I].Class);
    EXPECT_EQ(Again.functions()[I].Params, DB.functions()[I].Params);
    EXPECT_EQ(Again.functions()[I].Note, DB.functions()[I].Note);
    EXPECT_EQ(Again.functions()[I].Blocking.has_value(),
              DB.functions()[I].Blocking.has_value());
  }
  EXPECT_TRUE(Again.isHandlerField("r", "f"));
  EXPECT_NE(Printed.find("\"origin\": \"base.json:2:3\""), std::string::npos)
      << Printed;
  EXPECT_NE(Printed.find("\"has_flag\": \"MSG_DONTWAIT\""), std::string::npos);
}

TEST(Categories, NamesRoundTrip) {
  EXPECT_EQ(allCategories().size(), 10u);
  for (Category C : allCategories())
    EXPECT_EQ(parseCategory(categoryName(C)), C);
  EXPECT_EQ(categoryName(Category::DiskIO), "disk-io");
  EXPECT_FALSE(parseCategory("disk"));
}

TEST(JsonLocator, FindsValuesAndKeys) {
  const char *Text = "{\n  \"a\": [1, {\"b/c\": \"x\"}],\n  \"d~\": true\n}";
  JsonLocator L(Text);
  EXPECT_TRUE(L.contains(""));
  EXPECT_TRUE(L.contains("/a/1/b~1c"));
  EXPECT_TRUE(L.contains("/d~0"));
  EXPECT_EQ(L.valuePosition("/a").Line, 2u);
  EXPECT_EQ(L.valuePosition("/a").Column, 8u);
  EXPECT_EQ(L.keyPosition("/a").Column, 3u);
  EXPECT_EQ(L.valuePosition("/a/0").Column, 9u);
  EXPECT_EQ(L.valuePosition("/a/1/b~1c").Column, 20u);
  EXPECT_EQ(L.keyPosition("/a/1/b~1c").Column, 13u);
  EXPECT_EQ(L.valuePosition("/d~0").Line, 3u);
  EXPECT_EQ(L.valuePosition("/d~0").Column, 9u);
  // A missing member points at its deepest existing ancestor.
  EXPECT_FALSE(L.contains("/a/1/zz"));
  EXPECT_EQ(L.valuePosition("/a/1/zz").Column, 12u);
}

TEST(JsonLocator, DecodesEscapedNames) {
  JsonLocator L(R"({"a\u002fb": 1, "\"q\"": 2, "\ud83d\ude00": 3})");
  EXPECT_TRUE(L.contains("/a~1b"));
  EXPECT_TRUE(L.contains("/\"q\""));
  EXPECT_TRUE(L.contains("/\xF0\x9F\x98\x80"));
}

TEST(JsonLocator, SurvivesInvalidAndDeepText) {
  JsonLocator Bad("{\"a\": [1, 2");
  EXPECT_TRUE(Bad.contains("/a/1"));
  EXPECT_EQ(Bad.valuePosition("/zz").Column, 1u);
  std::string Deep(100000, '[');
  JsonLocator D(Deep);
  EXPECT_TRUE(D.contains("/0/0/0"));
}

TEST(JsonLocator, PositionOfOffset) {
  EXPECT_EQ(positionOfOffset("ab\ncd", 4).Line, 2u);
  EXPECT_EQ(positionOfOffset("ab\ncd", 4).Column, 2u);
  EXPECT_EQ(positionOfOffset("ab", 99).Column, 3u);
}

} // namespace
