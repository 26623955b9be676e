#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/endpoints.h"
#include "agent/lookup_pool.h"
#include "agent/pipeline.h"
#include "util/clock.h"
#include "util/event_loop.h"

namespace tracker {

struct EnricherOptions {
  bool enabled = false;
  EndpointsOptions endpoints;
  // Rounds without an answer before a container no runtime knows is given
  // up; a runtime that is down is waited for as long as the container lives.
  int max_attempts = 6;
  // Told of every lookup's outcome, on the loop thread (for the metrics).
  std::function<void(Runtime runtime, const LookupResult& result, std::chrono::microseconds took)>
      on_lookup;
};

// Asks the runtimes about each container, off the loop thread, and tells the
// pipeline what it learnt (which holds the container's events until the first
// answer). Each container's lookup goes through explicit stages; answers carry
// the round they answer, so an answer from before a reconfiguration, or to an
// earlier round, is ignored.
class Enricher : public EnrichmentSource {
 public:
  Enricher(EventLoop& loop, Pipeline& pipeline, EnricherOptions options,
           const MonotonicClock& clock = MonotonicClock::system());
  ~Enricher() override;

  EnrichmentState track(const std::shared_ptr<ContainerRecord>& container) override;
  void forget(const std::shared_ptr<ContainerRecord>& container) override;

  // Applies new options (reload, SetEnrichment) without waiting for calls in
  // flight. Turned on, or with new sockets, it looks up every known container
  // that is not fully enriched; turned off, containers keep what they have.
  void reconfigure(EnricherOptions options);
  bool enabled() const { return options_.enabled; }
  std::vector<EndpointStatus> endpoints() const { return endpoints_.status(); }
  // No container is waiting for its first answer.
  bool settled() const;

 private:
  enum class Stage {
    asking,               // a round of lookups is out
    backing_off,          // the next round is due at `due`
    waiting_for_runtime,  // a runtime asked is down: the next round comes when it answers
  };
  struct Lookup {
    std::shared_ptr<ContainerRecord> container;
    Stage stage = Stage::asking;
    std::uint64_t round = 0;
    std::set<EndpointId> awaited;  // asked this round, not answered yet
    std::set<EndpointId> down;     // down or too busy to be asked this round
    bool only_not_found = true;    // every answer of this round was "no such container"
    int attempt = 0;               // rounds that brought no full answer
    MonoTime due{};
    bool released = false;  // its events no longer wait for it
    bool partial = false;   // holds a partial answer, which full inspects complete
    std::optional<EndpointId> completing_from;
    bool last_round = false;  // the container is gone: this round is its last
  };

  // What a runtime's event stream said about a container before (or while)
  // tracker knew its cgroup; kept a while after the runtime forgot it.
  struct Heard {
    EndpointId endpoint = 0;
    ContainerInfo info;  // from its create event
    bool created = false;
    MonoTime expires{};
  };

  Lookup& start(const std::shared_ptr<ContainerRecord>& container, bool released);
  bool answer_from_stream(Lookup& lookup);
  void on_news();
  void on_stream_event(Endpoints::Endpoint& endpoint, RuntimeEvent& event);
  void relist(const Endpoints::Endpoint& endpoint);
  bool may_speak_for(const Endpoints::Endpoint& endpoint, const ContainerRecord& container) const;
  void forget_old_news();
  void ask(Lookup& lookup);
  void on_results();
  void on_answer(LookupDone& done);
  void after_round(Lookup& lookup);
  void publish(Lookup& lookup, EnrichmentState state, const ContainerInfo* info);
  void finish(Lookup& lookup, EnrichmentState state, const ContainerInfo* info);
  void back_off(Lookup& lookup, int attempt);
  void runtime_back(EndpointId endpoint);
  void tick();
  void ask_again(const std::vector<std::string>& ids);
  static EnrichmentState state_of(const Lookup& lookup);

  EventLoop& loop_;
  Pipeline& pipeline_;
  const MonotonicClock& clock_;
  EnricherOptions options_;
  std::shared_ptr<ResultQueue> results_;
  std::shared_ptr<StreamNewsQueue> news_;
  Endpoints endpoints_;
  std::unordered_map<std::string, Lookup> lookups_;
  std::unordered_map<std::string, Heard> heard_;
  std::uint64_t next_round_ = 1;
  int tick_timer_ = -1;
};

}  // namespace tracker
