#pragma once

#include <string>
#include <string_view>

namespace tracker {

// Buffers whole lines and writes them out together; a line is never split
// between two writes, so readers never see half of one.
class OutputStream {
 public:
  explicit OutputStream(int fd) : fd_(fd) {}
  ~OutputStream() { flush(); }

  void append(std::string_view text) { buffer_ += text; }
  void end_line();  // the line is complete; written out when the buffer fills or on flush()
  void flush();
  std::string& buffer() { return buffer_; }
  bool broken() const { return broken_; }  // the reader went away (EPIPE) or a write failed
  bool is_terminal() const;
  // Writes to /dev/null: nobody reads what is printed (tracker.service's
  // StandardOutput=null).
  bool is_discarded() const;

 private:
  int fd_;
  std::string buffer_;
  std::size_t complete_ = 0;  // bytes of buffer_ that form complete lines
  bool broken_ = false;
};

}  // namespace tracker
