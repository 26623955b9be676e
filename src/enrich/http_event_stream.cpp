// Docker's and Podman's event streams: one long GET on the runtime's socket
// whose reply is one JSON object per line, for as long as the runtime runs.
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "enrich/docker_json.h"
#include "enrich/http_unix.h"
#include "enrich/line_splitter.h"
#include "enrich/runtime_event_json.h"
#include "enrich/runtime_events.h"

namespace tracker {
namespace {

// An event line is a few hundred bytes, a few KiB with many labels. Longer
// ones are skipped rather than kept.
constexpr std::size_t kMaxEventLine = 1024 * 1024;
constexpr std::chrono::milliseconds kConnectTimeout{5000};

// filters={"type":["container"]}, URL-encoded.
constexpr const char* kContainerFilter = "filters=%7B%22type%22%3A%5B%22container%22%5D%7D";

using Parser = std::optional<RuntimeEvent> (*)(std::string_view, std::string*);

class HttpEventStream final : public RuntimeEventStream {
 public:
  HttpEventStream(std::string socket_path, Runtime runtime, std::string target, Parser parser)
      : socket_path_(std::move(socket_path)),
        runtime_(runtime),
        target_(std::move(target)),
        parser_(parser) {}

  Runtime runtime() const override { return runtime_; }
  const std::string& socket_path() const override { return socket_path_; }

  StreamEnd follow(const std::function<void(RuntimeEvent)>& on_event,
                   Cancellation& cancel) override {
    LineSplitter lines(kMaxEventLine);
    std::string error;
    std::function<void(std::string_view)> on_line = [&](std::string_view line) {
      if (line.empty()) return;
      error.clear();
      auto event = parser_(line, &error);
      if (event) {
        on_event(std::move(*event));
      } else if (!error.empty()) {
        ++skipped;
      }
    };
    std::uint64_t oversized = 0;
    auto reply = http_stream_unix(
        socket_path_, target_, kConnectTimeout,
        [&](std::string_view data) {
          lines.feed(data, on_line);
          skipped += lines.oversized() - oversized;
          oversized = lines.oversized();
        },
        cancel);
    return end_of(reply);
  }

 private:
  StreamEnd end_of(const HttpReply& reply) const {
    StreamEnd end;
    std::string where = socket_path_ + ": " + target_ + ": ";
    if (reply.outcome == HttpOutcome::cancelled) {
      end.why = StreamEnd::Why::cancelled;
      return end;
    }
    if (reply.outcome != HttpOutcome::reply) {
      end.why = StreamEnd::Why::broken;
      end.error = socket_path_ + ": event stream: " + reply.error;
      return end;
    }
    if (reply.code == 404) {
      end.why = StreamEnd::Why::unsupported;
      end.error = where + "HTTP 404: " + api_error_message(reply.body);
    } else if (reply.code == 200) {
      end.why = StreamEnd::Why::broken;
      end.error = socket_path_ + ": event stream: the runtime ended it";
    } else {
      end.why = StreamEnd::Why::broken;
      end.error =
          where + "HTTP " + std::to_string(reply.code) + ": " + api_error_message(reply.body);
    }
    return end;
  }

  const std::string socket_path_;
  const Runtime runtime_;
  const std::string target_;
  const Parser parser_;
};

}  // namespace

std::unique_ptr<RuntimeEventStream> make_docker_event_stream(std::string socket_path) {
  return std::make_unique<HttpEventStream>(std::move(socket_path), Runtime::docker,
                                           std::string("/events?") + kContainerFilter,
                                           &parse_docker_event);
}

std::unique_ptr<RuntimeEventStream> make_podman_event_stream(std::string socket_path) {
  return std::make_unique<HttpEventStream>(
      std::move(socket_path), Runtime::podman,
      std::string("/v4.0.0/libpod/events?stream=true&") + kContainerFilter, &parse_podman_event);
}

}  // namespace tracker
