#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/lookup_pool.h"
#include "agent/pipeline.h"
#include "util/event_loop.h"

namespace tracker {

struct EndpointConfig {
  Runtime runtime = Runtime::unknown;
  std::string socket;
  bool configured = false;  // named by the user, rather than a default path
};

// The standard sockets of every runtime, plus rootless Podman's under `run_user_dir`.
std::vector<EndpointConfig> default_endpoints(const std::string& run_user_dir = "/run/user");

struct EnricherOptions {
  bool enabled = false;
  std::vector<EndpointConfig> endpoints;  // empty: default_endpoints(), rescanned for new ones
  std::chrono::milliseconds timeout{2000};
  std::size_t threads_per_endpoint = 2;
  std::size_t queue_per_endpoint = 4096;
  int max_attempts =
      6;  // for "not found" and garbage replies; a runtime that is down is waited for
};

struct EndpointStatus {
  Runtime runtime;
  std::string socket;
  bool configured = false;
  bool up = false;
  std::string last_error;
  std::uint64_t lookups = 0;
  std::uint64_t found = 0;
};

// Asks the runtimes about each container, off the loop thread, and hands the
// answers to the pipeline (which holds the container's events until then).
class Enricher : public ContainerObserver {
 public:
  Enricher(EventLoop& loop, Pipeline& pipeline, EnricherOptions options);
  ~Enricher() override;

  void container_added(const std::shared_ptr<ContainerRecord>& container) override;
  void container_removed(const std::shared_ptr<ContainerRecord>& container) override;

  // Applies new options (reload); containers already known keep what they have.
  void reconfigure(EnricherOptions options);
  bool enabled() const { return options_.enabled; }
  std::vector<EndpointStatus> endpoints() const;
  // No container is waiting for its first answer.
  bool settled() const;

 private:
  struct Endpoint {
    EndpointConfig config;
    std::unique_ptr<LookupPool> pool;
    bool up = true;         // lookups are tried; false: pinged until it answers
    bool answered = false;  // it has answered at least once
    bool ping_in_flight = false;
    bool probing = false;  // the first ping, made when the endpoint is added
    std::int64_t next_ping_ns = 0;
    std::string last_error;
    std::string warned;  // the last problem logged, so each is logged once
    std::uint64_t lookups = 0;
    std::uint64_t found = 0;
  };
  static constexpr std::size_t kAnyEndpoint = static_cast<std::size_t>(-1);
  struct Pending {
    std::shared_ptr<ContainerRecord> container;
    std::uint64_t ticket = 0;
    int attempt = 0;
    std::size_t outstanding = 0;
    bool any_unavailable = false;
    bool first_answer = true;
    std::int64_t due_ns = 0;            // 0: not scheduled
    std::set<std::size_t> waiting_for;  // endpoints that were down
    // The record holds a partial answer (LookupResult::partial): full inspects
    // complete it, of this endpoint only (kAnyEndpoint after a reconfigure).
    bool completing = false;
    std::size_t completing_endpoint = kAnyEndpoint;
  };

  void build_endpoints();
  void add_endpoint(EndpointConfig config);
  void discover_rootless();
  std::vector<std::size_t> candidates(const ContainerRecord& container) const;
  void start_lookup(Pending& pending);
  void on_results();
  void on_result(LookupDone& done);
  void on_ping(LookupDone& done);
  void finish(Pending& pending, const ContainerInfo* info);
  void publish_partial(Pending& pending, std::size_t endpoint, const ContainerInfo& info);
  void schedule_retry(Pending& pending);
  void tick();
  void warn_once(Endpoint& endpoint, LookupStatus status, const std::string& error);

  EventLoop& loop_;
  Pipeline& pipeline_;
  EnricherOptions options_;
  ResultQueue results_;
  std::vector<Endpoint> endpoints_;
  std::unordered_map<std::string, Pending> pending_;
  std::uint64_t next_ticket_ = 1;
  int tick_timer_ = -1;
  std::int64_t next_discovery_ns_ = 0;
};

}  // namespace tracker
