#include "config/config_parser.h"

#include <ini.h>

#include <algorithm>
#include <cstring>

#include "config/config_keys.h"
#include "config/values.h"

// inih parses the structure: it tracks the section, skips comments and blank
// lines, splits assignments and calls the handler once for each. Debian's
// build has no line numbers in the handler and reads through a fixed 200-byte
// line buffer, so tracker feeds it one line at a time through a reader
// callback that counts lines, keeps the untouched line for the handler, and
// hands inih a line that always fits and has no leading whitespace (which
// inih would take for a continuation line).
namespace tracker {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

class Parser {
 public:
  Parser(const std::string& file, std::string_view text, Settings& settings,
         Diagnostics& diagnostics)
      : file_(file), text_(text), settings_(settings), diagnostics_(diagnostics) {
    if (text_.starts_with(kBom)) text_.remove_prefix(kBom.size());
  }

  void run() {
    int failed_line = ini_parse_stream(&Parser::read_line, this, &Parser::handle, this);
    // Every problem inih can see was reported above; this is a safety net.
    if (failed_line > 0 && !has_error_at(static_cast<unsigned>(failed_line)))
      error_at(static_cast<unsigned>(failed_line), "syntax error");
  }

 private:
  static char* read_line(char* buffer, int size, void* self) {
    auto& parser = *static_cast<Parser*>(self);
    if (parser.text_.empty()) return nullptr;
    auto end = parser.text_.find('\n');
    auto raw = parser.text_.substr(0, end);
    parser.text_.remove_prefix(end == std::string_view::npos ? parser.text_.size() : end + 1);
    ++parser.line_number_;
    parser.line_ = trim(raw);

    std::string shown = parser.inspect_line();
    auto length = std::min(shown.size(), static_cast<std::size_t>(size) - 2);
    std::memcpy(buffer, shown.data(), length);
    buffer[length] = '\n';
    buffer[length + 1] = '\0';
    return buffer;
  }

  static int handle(void* self, const char* section, const char*, const char*) {
    static_cast<Parser*>(self)->assignment(section);
    return 1;  // problems are recorded as they are found; inih need not count them
  }

  // Checks the line on its own and returns the line inih is to see.
  std::string inspect_line() {
    if (line_.find('\0') != std::string_view::npos) {
      error_at(line_number_, "contains a NUL byte");
      return {};
    }
    if (line_.empty() || line_[0] == '#' || line_[0] == ';') return {};
    if (line_[0] == '[') return section_header();
    auto equals = line_.find('=');
    if (equals == std::string_view::npos) {
      error_at(line_number_, "'" + std::string(line_) + "': missing '='");
      return {};
    }
    if (trim(line_.substr(0, equals)).empty()) {
      error_at(line_number_, "'" + std::string(line_) + "': missing key name");
      return {};
    }
    return "Key=";  // the handler reads the key and value from line_
  }

  std::string section_header() {
    auto name = line_.substr(1, line_.size() - 1 - (line_.ends_with(']') ? 1 : 0));
    if (!line_.ends_with(']') || name.empty() || name.find_first_of("[]") != name.npos) {
      error_at(line_number_, "invalid section header '" + std::string(line_) + "'");
      section_ok_ = false;
      return "[-]";
    }
    section_ok_ = is_config_section(name);
    if (!section_ok_) {
      warning_at(line_number_, "unknown section [" + std::string(name) + "], ignoring it");
      return "[-]";
    }
    return "[" + std::string(name) + "]";
  }

  void assignment(const char* section) {
    auto equals = line_.find('=');
    auto name = trim(line_.substr(0, equals));
    auto value = trim(line_.substr(equals + 1));
    if (*section == '\0') {
      error_at(line_number_, std::string(name) + "=" + std::string(value) +
                                 ": assignment outside of any section");
      return;
    }
    if (!section_ok_) return;  // an unknown section was warned about once, at its header
    const ConfigKey* key = find_config_key(section, name);
    if (!key) {
      warning_at(line_number_, "unknown key '" + std::string(name) + "' in section [" +
                                   std::string(section) + "], ignoring it");
      return;
    }
    if (auto problem = apply_config_key(*key, value, settings_); !problem.empty())
      error_at(line_number_, problem);
  }

  void error_at(unsigned line, std::string message) {
    diagnostics_.errors.push_back({file_, line, std::move(message)});
  }
  void warning_at(unsigned line, std::string message) {
    diagnostics_.warnings.push_back({file_, line, std::move(message)});
  }
  bool has_error_at(unsigned line) const {
    return std::any_of(diagnostics_.errors.begin(), diagnostics_.errors.end(),
                       [&](const Diagnostic& d) { return d.file == file_ && d.line == line; });
  }

  const std::string& file_;
  std::string_view text_;  // what is left to read
  Settings& settings_;
  Diagnostics& diagnostics_;
  unsigned line_number_ = 0;
  std::string_view line_;  // the current line, trimmed
  bool section_ok_ = true;
};

}  // namespace

void parse_config_text(const std::string& file, std::string_view text, Settings& settings,
                       Diagnostics& diagnostics) {
  Parser(file, text, settings, diagnostics).run();
}

}  // namespace tracker
