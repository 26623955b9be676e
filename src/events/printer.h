#pragma once

#include <memory>
#include <string_view>

#include "events/event.h"
#include "events/output_stream.h"

namespace tracker {

enum class OutputFormat { table, json };

struct PrinterOptions {
  OutputFormat format = OutputFormat::json;
  bool container_columns = false;  // table: CONTAINER_ID (under a container scope)
  bool image_column = false;       // table: IMAGE (container scope with enrichment)
};

class Printer {
 public:
  virtual ~Printer() = default;
  virtual void print_header() {}
  virtual void print(const Event& event) = 0;
};

std::unique_ptr<Printer> make_printer(const PrinterOptions& options, OutputStream& out);

// The args of container_create / existing_container / container_remove, from
// what is known of the container when the event is printed.
std::vector<Arg> lifecycle_args(const Event& event);

}  // namespace tracker
