#include "util/prometheus.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "util/text.h"

namespace tracker {
namespace {

std::string_view type_name(PrometheusText::Type type) {
  switch (type) {
    case PrometheusText::Type::counter:
      return "counter";
    case PrometheusText::Type::gauge:
      return "gauge";
    case PrometheusText::Type::histogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text: only \ and newline are escaped.
std::string escape_help(std::string_view text) {
  std::string out;
  for (char c : valid_utf8(text)) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::observe(double value) {
  auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++counts_[static_cast<std::size_t>(bucket)];
  sum_ += value;
  ++count_;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  for (char c : valid_utf8(value)) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void PrometheusText::family(std::string_view name, Type type, std::string_view help) {
  text_ +=
      fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(help), name, type_name(type));
}

void PrometheusText::series(std::string_view name, const MetricLabels& labels,
                            std::string_view value) {
  text_ += name;
  if (!labels.empty()) {
    text_ += '{';
    bool first = true;
    for (const auto& [key, label] : labels) {
      if (!first) text_ += ',';
      first = false;
      text_ += fmt::format("{}=\"{}\"", key, escape_label_value(label));
    }
    text_ += '}';
  }
  text_ += ' ';
  text_ += value;
  text_ += '\n';
}

void PrometheusText::sample(std::string_view name, const MetricLabels& labels,
                            std::uint64_t value) {
  series(name, labels, std::to_string(value));
}

void PrometheusText::sample(std::string_view name, const MetricLabels& labels, double value) {
  series(name, labels, format_sample_value(value));
}

void PrometheusText::histogram(std::string_view name, const MetricLabels& labels,
                               const Histogram& histogram) {
  std::string bucket = fmt::format("{}_bucket", name);
  std::uint64_t cumulative = 0;
  const auto& bounds = histogram.upper_bounds();
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += histogram.counts()[i];
    MetricLabels with_le = labels;
    with_le.emplace_back("le", i < bounds.size() ? format_sample_value(bounds[i]) : "+Inf");
    series(bucket, with_le, std::to_string(cumulative));
  }
  series(fmt::format("{}_sum", name), labels, format_sample_value(histogram.sum()));
  series(fmt::format("{}_count", name), labels, std::to_string(histogram.count()));
}

}  // namespace tracker
