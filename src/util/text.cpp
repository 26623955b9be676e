#include "util/text.h"

#include <utf8cpp/utf8.h>

#include <cstdint>
#include <iterator>

#include <fmt/format.h>

namespace tracker {
namespace {

bool is_continuation(unsigned char byte) {
  return (byte & 0xc0) == 0x80;
}

// Code points that move the cursor, end a line or reorder what follows.
bool needs_escape(std::uint32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7f && code_point <= 0x9f) ||
         code_point == 0x061c ||                            // arabic letter mark
         code_point == 0x200e || code_point == 0x200f ||    // LRM, RLM
         code_point == 0x2028 || code_point == 0x2029 ||    // line, paragraph separator
         (code_point >= 0x202a && code_point <= 0x202e) ||  // embeddings, overrides
         (code_point >= 0x2066 && code_point <= 0x2069);    // isolates
}

void append_escape(std::string& out, std::uint32_t code_point) {
  switch (code_point) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (code_point < 0x80)
    fmt::format_to(std::back_inserter(out), "\\x{:02x}", code_point);
  else
    fmt::format_to(std::back_inserter(out), "\\u{:04x}", code_point);
}

}  // namespace

std::string valid_utf8(std::string_view bytes) {
  if (utf8::is_valid(bytes.begin(), bytes.end())) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() + 8);
  utf8::replace_invalid(bytes.begin(), bytes.end(), std::back_inserter(out));
  return out;
}

bool is_valid_utf8(std::string_view bytes) {
  return utf8::is_valid(bytes.begin(), bytes.end());
}

std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // text[end] is the first byte left out: back up to the start of its sequence.
  while (end > 0 && is_continuation(static_cast<unsigned char>(text[end]))) --end;
  return text.substr(0, end);
}

std::string bounded_utf8(std::string_view bytes, std::size_t max_bytes) {
  return std::string(truncate_utf8(valid_utf8(bytes), max_bytes));
}

std::string escape_for_display(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto it = text.begin();
  while (it != text.end()) {
    auto invalid = utf8::find_invalid(it, text.end());
    while (it != invalid) {
      auto start = it;
      std::uint32_t code_point = utf8::unchecked::next(it);  // [it, invalid) is valid
      if (code_point == '\\')
        out += "\\\\";
      else if (needs_escape(code_point))
        append_escape(out, code_point);
      else
        out.append(start, it);
    }
    if (it == text.end()) break;
    // Not UTF-8: show the byte, go on with the next one.
    fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned char>(*it));
    ++it;
  }
  return out;
}

}  // namespace tracker
