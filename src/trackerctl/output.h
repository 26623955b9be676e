#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <json/value.h>

#include "trackerctl/pager.h"

namespace tracker::ctl {

struct OutputOptions {
  bool json = false;
  bool legend = true;
  bool pager = true;
};

// A machinectl-style table: a header in capitals, columns padded to their
// widest cell, no frame. Cells are escaped for the terminal (they hold what
// runtimes and cgroup names say) and measured in columns on the screen.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  // Cells as the daemon reports them: add_row escapes them.
  void add_row(const std::vector<std::string>& cells);
  std::size_t rows() const { return rows_.size(); }
  void print(std::FILE* out, bool header) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// How many columns `text` (UTF-8) takes on a terminal: wide characters take
// two, combining ones none.
std::size_t display_width(std::string_view text);

// Pretty JSON for one-shot commands; `compact` is one line (monitor).
void print_json(const Json::Value& value, bool compact = false);

// "Thu 2024-05-02 10:11:12 UTC", local time; "" for 0.
std::string format_timestamp(std::uint64_t usec);
// "5min ago", "2h 3min ago", "3 days ago"; "" for 0.
std::string format_relative(std::uint64_t usec, std::uint64_t now_usec);
std::uint64_t now_usec();
// "1.5M", "512.0K", "300B": bytes in units of 1024, as systemctl status shows them.
std::string format_bytes(std::uint64_t bytes);
// "1.234s", "2min 3.500s", "1h 2min": CPU time.
std::string format_cpu_time(std::uint64_t nsec);
// A 12-character short id, like docker's.
std::string short_id(const std::string& id);

}  // namespace tracker::ctl
