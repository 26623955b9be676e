#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <json/value.h>

namespace tracker::ctl {

struct OutputOptions {
  bool json = false;
  bool legend = true;
  bool pager = true;
};

// A machinectl-style table: a header in capitals, columns padded to their
// widest cell, no frame.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size(); }
  void print(std::FILE* out, bool header) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Pretty JSON for one-shot commands; `compact` is one line (monitor).
void print_json(const Json::Value& value, bool compact = false);

// Pipes stdout through $SYSTEMD_PAGER, $PAGER or `less` (LESS=FRSXMK unless
// set) while it lives, when enabled and stdout is a terminal.
class Pager {
 public:
  explicit Pager(bool enabled);
  ~Pager();
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

 private:
  pid_t pid_ = -1;
};

// "Thu 2024-05-02 10:11:12 UTC", local time; "" for 0.
std::string format_timestamp(std::uint64_t usec);
// "5min ago", "2h 3min ago", "3 days ago"; "" for 0.
std::string format_relative(std::uint64_t usec, std::uint64_t now_usec);
std::uint64_t now_usec();
// A 12-character short id, like docker's.
std::string short_id(const std::string& id);

}  // namespace tracker::ctl
