#include "enrich/line_splitter.h"

namespace tracker {

void LineSplitter::drop_partial() {
  ++oversized_;
  discarding_ = true;
  std::string().swap(partial_);  // give the memory back, not just the size
}

void LineSplitter::feed(std::string_view data,
                        const std::function<void(std::string_view)>& on_line) {
  while (!data.empty()) {
    auto end = data.find('\n');
    if (end == std::string_view::npos) {
      if (discarding_) return;
      if (partial_.size() + data.size() > max_line_) {
        drop_partial();
        return;
      }
      partial_.append(data);
      return;
    }
    auto piece = data.substr(0, end);
    data.remove_prefix(end + 1);
    if (discarding_) {
      discarding_ = false;
      continue;
    }
    std::string_view line = piece;
    if (!partial_.empty()) {
      partial_.append(piece);
      line = partial_;
    }
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.size() > max_line_) {
      ++oversized_;
    } else {
      on_line(line);
    }
    partial_.clear();
  }
}

}  // namespace tracker
