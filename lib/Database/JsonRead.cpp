//===- JsonRead.cpp - The one way evguard parses a JSON file --------------===//

#include "evguard/JsonRead.h"

namespace evguard {
namespace {


/// The library's DOM builder, with its errors kept instead of thrown (a
/// number overflow is thrown as out_of_range, with no position) and a depth
/// limit. sax_parse calls these through the static type, so hiding works.
template <typename Json>
class BoundedDomParser : public nlohmann::detail::json_sax_dom_parser<Json> {
  using DomParser = nlohmann::detail::json_sax_dom_parser<Json>;

public:
  explicit BoundedDomParser(Json &Out) : DomParser(Out, /*allow_exceptions=*/false) {}

  bool start_object(std::size_t N) { return deeper() && DomParser::start_object(N); }
  bool start_array(std::size_t N) { return deeper() && DomParser::start_array(N); }
  bool end_object() { --Depth; return DomParser::end_object(); }
  bool end_array() { --Depth; return DomParser::end_array(); }

  bool parse_error(std::size_t Position, const std::string &Token,
                   const nlohmann::detail::exception &E) {
    if (Error)
      return false;
    // Position is one past the byte where the lexer stopped; a number too
    // large is named at its first digit.
    size_t At = Position ? Position - 1 : 0;
    if (E.id == 406 && Position >= Token.size())
      At = Position - Token.size();
    Error = JsonSyntaxError{At, withoutPrefix(E.what())};
    return false;
  }

  std::optional<JsonSyntaxError> Error;

private:
  bool deeper() {
    if (++Depth <= MaxJsonDepth)
      return true;
    Error = JsonSyntaxError{0, "nested more than " + std::to_string(MaxJsonDepth) +
                                   " levels deep"};
    return false;
  }

  static std::string withoutPrefix(llvm::StringRef What) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: x"
    if (What.starts_with("["))
      What = What.drop_until([](char C) { return C == ' '; }).ltrim();
    size_t Colon = What.find(": ");
    if (What.starts_with("parse error") && Colon != llvm::StringRef::npos)
      What = What.drop_front(Colon + 2);
    return What.str();
  }

  unsigned Depth = 0;
};

template <typename Json>
std::optional<JsonSyntaxError> readAny(llvm::StringRef Text, Json &Out) {
  Out = Json();
  BoundedDomParser<Json> Parser(Out);
  bool Ok = Json::sax_parse(Text.begin(), Text.end(), &Parser);
  if (Ok && !Parser.Error)
    return std::nullopt;
  JsonSyntaxError E = Parser.Error.value_or(JsonSyntaxError{0, "malformed JSON"});
  // A depth error comes with no position: the bracket that went past the
  // limit is found in the text.
  if (E.Offset == 0 && llvm::StringRef(E.Message).starts_with("nested")) {
    unsigned Depth = 0;
    bool InString = false;
    for (size_t I = 0; I < Text.size(); ++I) {
      char C = Text[I];
      if (InString) {
        if (C == '\\')
          ++I;
        else if (C == '"')
          InString = false;
      } else if (C == '"') {
        InString = true;
      } else if ((C == '{' || C == '[') && ++Depth > MaxJsonDepth) {
        E.Offset = I;
        break;
      } else if (C == '}' || C == ']') {
        --Depth;
      }
    }
  }
  Out = Json();
  return E;
}

} // namespace

std::optional<JsonSyntaxError> readJson(llvm::StringRef Text, nlohmann::json &Out) {
  return readAny(Text, Out);
}

std::optional<JsonSyntaxError> readJson(llvm::StringRef Text, nlohmann::ordered_json &Out) {
  return readAny(Text, Out);
}

} // namespace evguard
