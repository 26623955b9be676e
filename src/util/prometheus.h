#pragma once

// The Prometheus text exposition format, version 0.0.4: what node-exporter's
// textfile collector reads and `trackerctl metrics` prints. Debian has no C++
// client library for it (prometheus-cpp is not in bookworm), and tracker needs
// only the writer, not a registry or an HTTP server.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tracker {

// Observations counted into fixed buckets (upper bounds, ascending), plus
// their sum and count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);

  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Per bucket, not cumulative; one more than the bounds: the +Inf bucket.
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  double sum() const { return sum_; }
  std::uint64_t count() const { return count_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Writes metric families one after the other: family() starts one with its
// HELP and TYPE lines, then its samples follow.
class PrometheusText {
 public:
  enum class Type { counter, gauge, histogram };

  void family(std::string_view name, Type type, std::string_view help);
  void sample(std::string_view name, const MetricLabels& labels, std::uint64_t value);
  void sample(std::string_view name, const MetricLabels& labels, double value);
  // name_bucket (cumulative, le="..."), name_sum and name_count.
  void histogram(std::string_view name, const MetricLabels& labels, const Histogram& histogram);

  const std::string& text() const { return text_; }

 private:
  void series(std::string_view name, const MetricLabels& labels, std::string_view value);

  std::string text_;
};

// A label value as the format wants it inside quotes: \ " and newline escaped.
std::string escape_label_value(std::string_view value);
// Numbers as the format writes them: shortest exact form, +Inf, -Inf, NaN.
std::string format_sample_value(double value);

}  // namespace tracker
