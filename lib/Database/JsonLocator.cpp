//===- JsonLocator.cpp - Source positions of JSON values ------------------===//

#include "evguard/JsonLocator.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include <algorithm>

using namespace evguard;

TextPosition evguard::positionOfOffset(llvm::StringRef Text, size_t Offset) {
  Offset = std::min(Offset, Text.size());
  llvm::StringRef Before = Text.take_front(Offset);
  TextPosition Pos;
  Pos.Line = 1 + Before.count('\n');
  size_t LineStart = Before.rfind('\n');
  LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
  Pos.Column = 1 + (Offset - LineStart);
  return Pos;
}

std::string evguard::jsonPointerToken(llvm::StringRef Name) {
  std::string Token;
  Token.reserve(Name.size());
  for (char C : Name) {
    if (C == '~')
      Token += "~0";
    else if (C == '/')
      Token += "~1";
    else
      Token += C;
  }
  return Token;
}

static bool isJsonSpace(char C) {
  return C == ' ' || C == '\t' || C == '\n' || C == '\r';
}

static size_t skipSpace(llvm::StringRef Text, size_t P) {
  while (P < Text.size() && isJsonSpace(Text[P]))
    ++P;
  return P;
}

/// Decodes the four hex digits at P; -1 if they are not there.
static long hex4(llvm::StringRef Text, size_t P) {
  if (P + 4 > Text.size())
    return -1;
  unsigned Value = 0;
  if (Text.substr(P, 4).getAsInteger(16, Value))
    return -1;
  return Value;
}

/// Decodes the JSON string starting at the quote at P into Out (member names
/// must be decoded: "a\u002fb" is the member "a/b"). Returns the offset past
/// the closing quote, or Text.size() if it is missing.
static size_t readString(llvm::StringRef Text, size_t P, std::string *Out) {
  ++P; // the opening quote
  while (P < Text.size()) {
    char C = Text[P++];
    if (C == '"')
      return P;
    if (C != '\\') {
      if (Out)
        *Out += C;
      continue;
    }
    if (P >= Text.size())
      break;
    char E = Text[P++];
    if (E != 'u') {
      if (Out) {
        static const llvm::StringRef From = "bfnrt", To = "\b\f\n\r\t";
        size_t I = From.find(E);
        *Out += I == llvm::StringRef::npos ? E : To[I];
      }
      continue;
    }
    long Unit = hex4(Text, P);
    if (Unit < 0)
      break;
    P += 4;
    unsigned CodePoint = Unit;
    // A high surrogate followed by "\uDCxx" is one code point.
    if (Unit >= 0xD800 && Unit < 0xDC00 && Text.substr(P, 2) == "\\u") {
      long Low = hex4(Text, P + 2);
      if (Low >= 0xDC00 && Low < 0xE000) {
        CodePoint = 0x10000 + ((Unit - 0xD800) << 10) + (Low - 0xDC00);
        P += 6;
      }
    }
    if (Out) {
      char Buf[8];
      char *End = Buf;
      if (llvm::ConvertCodePointToUTF8(CodePoint, End))
        Out->append(Buf, End);
    }
  }
  return Text.size();
}

static size_t skipScalar(llvm::StringRef Text, size_t P) {
  if (Text[P] == '"')
    return readString(Text, P, nullptr);
  while (P < Text.size() && !isJsonSpace(Text[P]) &&
         !llvm::StringRef(",]}").contains(Text[P]))
    ++P;
  return P;
}

JsonLocator::JsonLocator(llvm::StringRef Text) : Text(Text) {
  LineStarts.push_back(0);
  for (size_t I = 0; I < Text.size(); ++I)
    if (Text[I] == '\n')
      LineStarts.push_back(I + 1);
  scan();
}

TextPosition JsonLocator::position(size_t Offset) const {
  Offset = std::min(Offset, Text.size());
  // The last line start at or before Offset.
  auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Offset);
  size_t Line = It - LineStarts.begin();
  return TextPosition{unsigned(Line), unsigned(Offset - *(It - 1) + 1)};
}

// Iterative, so that deeply nested input cannot exhaust the stack.
void JsonLocator::scan() {
  struct Frame {
    bool IsObject;
    unsigned Count;
    size_t PathLen;
  };
  llvm::SmallVector<Frame, 16> Stack;
  std::string Path;
  // JSON parsers skip a UTF-8 byte order mark; so must positions.
  size_t P = Text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  size_t KeyAt = 0;
  bool HaveKey = false;
  bool ExpectValue = true;
  for (;;) {
    P = skipSpace(Text, P);
    if (P >= Text.size())
      return;
    char C = Text[P];
    if (ExpectValue) {
      Locations.insert_or_assign(Path, Location{P, HaveKey ? KeyAt : P});
      ExpectValue = false;
      if (C == '{' || C == '[') {
        Stack.push_back({C == '{', 0, Path.size()});
        ++P;
      } else {
        P = skipScalar(Text, P);
      }
      continue;
    }
    if (Stack.empty())
      return;
    Frame &F = Stack.back();
    if (C == '}' || C == ']') {
      Stack.pop_back();
      ++P;
      continue;
    }
    if (C == ',') {
      ++P;
      continue;
    }
    Path.resize(F.PathLen);
    Path += '/';
    if (!F.IsObject) {
      Path += std::to_string(F.Count++);
      HaveKey = false;
      ExpectValue = true;
      continue;
    }
    if (C != '"')
      return;
    std::string Name;
    KeyAt = P;
    P = skipSpace(Text, readString(Text, P, &Name));
    if (P >= Text.size() || Text[P] != ':')
      return;
    ++P;
    Path += jsonPointerToken(Name);
    ++F.Count;
    HaveKey = true;
    ExpectValue = true;
  }
}

const JsonLocator::Location *JsonLocator::find(llvm::StringRef Pointer) const {
  for (;;) {
    auto It = Locations.find(Pointer);
    if (It != Locations.end())
      return &It->second;
    if (Pointer.empty())
      return nullptr;
    size_t Slash = Pointer.rfind('/');
    Pointer = Slash == llvm::StringRef::npos ? "" : Pointer.take_front(Slash);
  }
}

size_t JsonLocator::valueOffset(llvm::StringRef Pointer) const {
  const Location *L = find(Pointer);
  return L ? L->Value : 0;
}

size_t JsonLocator::keyOffset(llvm::StringRef Pointer) const {
  const Location *L = find(Pointer);
  return L ? L->Key : 0;
}
