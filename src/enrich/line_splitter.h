#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tracker {

// Splits a byte stream that arrives in pieces into lines ('\n'; a '\r' before
// it is dropped), keeping at most `max_line` bytes of an unfinished line: a
// longer line is dropped whole, counted in oversized(). An unfinished line
// when the stream ends is never passed on.
class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line) : max_line_(max_line) {}

  // Calls `on_line` for each line `data` completes, in order. A line is only
  // valid during the call.
  void feed(std::string_view data, const std::function<void(std::string_view)>& on_line);

  std::uint64_t oversized() const { return oversized_; }

 private:
  void drop_partial();

  std::size_t max_line_;
  std::string partial_;
  bool discarding_ = false;  // inside an oversized line, until its '\n'
  std::uint64_t oversized_ = 0;
};

}  // namespace tracker
