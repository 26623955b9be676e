#include "agent/enricher.h"

#include <algorithm>

#include "util/log.h"

namespace tracker {
namespace {

// A round that found nothing is followed by another after 250 ms, 500 ms, ...
// up to 30 s.
std::chrono::milliseconds backoff(int attempt) {
  if (attempt <= 0) return std::chrono::milliseconds(0);
  return std::min(std::chrono::milliseconds(250 << std::min(attempt - 1, 7)),
                  std::chrono::milliseconds(30'000));
}

uid_t owner_of(const ContainerRecord& container) {
  return container.owner_uid.value_or(0);
}

// A runtime may register a container only after making its cgroup: rounds in
// which every runtime said "no such container" keep its events held this often.
constexpr int kHeldNotFoundRounds = 3;

// Containers kept from the runtimes' event streams at most (a flood of creates
// whose cgroups never come must not grow tracker).
constexpr std::size_t kMostHeard = 16384;

}  // namespace

Enricher::Enricher(EventLoop& loop, Pipeline& pipeline, EnricherOptions options,
                   const MonotonicClock& clock)
    : loop_(loop),
      pipeline_(pipeline),
      clock_(clock),
      results_(std::make_shared<ResultQueue>()),
      news_(std::make_shared<StreamNewsQueue>()),
      endpoints_(clock, results_, news_) {
  loop_.watch(results_->fd(), [this] { on_results(); });
  loop_.watch(news_->fd(), [this] { on_news(); });
  tick_timer_ = loop_.every(std::chrono::milliseconds(100), [this] { tick(); });
  reconfigure(std::move(options));
}

Enricher::~Enricher() {
  loop_.unwatch(news_->fd());
  loop_.unwatch(results_->fd());
  loop_.cancel(tick_timer_);
}

EnrichmentState Enricher::state_of(const Lookup& lookup) {
  if (lookup.partial) return EnrichmentState::partial;
  return lookup.released ? EnrichmentState::retrying : EnrichmentState::pending;
}

EnrichmentState Enricher::track(const std::shared_ptr<ContainerRecord>& container) {
  if (!options_.enabled ||
      endpoints_.for_container(container->ref.runtime, owner_of(*container)).empty())
    return EnrichmentState::off;
  auto id = container->id();
  auto& started = start(container, false);
  answer_from_stream(started);
  ask(started);
  auto lookup = lookups_.find(id);  // ask() may have finished it
  return lookup == lookups_.end() ? container->enrichment : state_of(lookup->second);
}

Enricher::Lookup& Enricher::start(const std::shared_ptr<ContainerRecord>& container,
                                  bool released) {
  Lookup lookup;
  lookup.container = container;
  lookup.released = released;
  lookup.partial = container->enrichment == EnrichmentState::partial;
  return lookups_.insert_or_assign(container->id(), std::move(lookup)).first->second;
}

void Enricher::forget(const std::shared_ptr<ContainerRecord>& container) {
  auto found = lookups_.find(container->id());
  if (found == lookups_.end()) return;
  auto& lookup = found->second;
  if (!lookup.awaited.empty()) {
    lookup.last_round = true;  // the answers asked for may still name it
    return;
  }
  finish(lookup, lookup.partial ? EnrichmentState::partial : EnrichmentState::failed, nullptr);
}

void Enricher::ask(Lookup& lookup) {
  lookup.round = next_round_++;
  lookup.stage = Stage::asking;
  lookup.awaited.clear();
  lookup.down.clear();
  lookup.only_not_found = true;
  // Only the first round of a new container, the one its events wait for
  // while the runtime may still be starting it, may be answered partially;
  // retries, existing containers and the completion of a partial answer get
  // the full inspect.
  bool first_of_new = lookup.attempt == 0 && !lookup.partial &&
                      lookup.container->origin == ContainerOrigin::created;
  auto mode = first_of_new ? LookupMode::quick : LookupMode::full;
  auto& container = *lookup.container;
  auto asked = lookup.completing_from
                   ? std::vector<EndpointId>{*lookup.completing_from}
                   : endpoints_.for_container(container.ref.runtime, owner_of(container));
  for (auto id : asked) {
    auto* endpoint = endpoints_.find(id);
    if (!endpoint) continue;
    if (endpoint->up && endpoint->pool->inspect(container.id(), lookup.round,
                                                options_.endpoints.call_timeout, mode))
      lookup.awaited.insert(id);
    else
      lookup.down.insert(id);
  }
  if (lookup.awaited.empty()) {
    lookup.only_not_found = false;
    after_round(lookup);
  }
}

void Enricher::on_results() {
  for (auto& done : results_->take()) {
    if (done.container_id.empty()) {
      if (endpoints_.on_ping(done)) runtime_back(done.endpoint);
    } else {
      on_answer(done);
    }
  }
}

void Enricher::on_answer(LookupDone& done) {
  auto found = lookups_.find(done.container_id);
  if (found == lookups_.end()) return;
  auto& lookup = found->second;
  if (lookup.round != done.round || !lookup.awaited.erase(done.endpoint)) return;
  auto* endpoint = endpoints_.find(done.endpoint);
  if (!endpoint) return;
  endpoints_.on_lookup(*endpoint, done.result);
  if (options_.on_lookup) options_.on_lookup(endpoint->config.runtime, done.result, done.took);
  auto runtime = to_string(endpoint->config.runtime);

  switch (done.result.status) {
    case LookupStatus::found:
      // enrich_latency_bench reads "<runtime> <id>: <name> in <n> us" as the lookup
      // that released the container: a completion is worded apart.
      if (lookup.partial)
        log(LogLevel::debug, "enrich", "{} {} completed: {} in {} us", runtime, done.container_id,
            done.result.info.name, done.took.count());
      else
        log(LogLevel::debug, "enrich", "{} {}: {}{} in {} us", runtime, done.container_id,
            done.result.info.name, done.result.partial ? " (partial)" : "", done.took.count());
      if (!done.result.partial) {
        finish(lookup, EnrichmentState::done, &done.result.info);
        return;
      }
      lookup.partial = true;
      lookup.completing_from = done.endpoint;
      lookup.released = true;
      publish(lookup, EnrichmentState::partial, &done.result.info);
      if (lookup.container->removed || lookup.last_round) {
        finish(lookup, EnrichmentState::partial, nullptr);
        return;
      }
      ask(lookup);  // full inspects of the same runtime complete it
      return;
    case LookupStatus::unavailable:
      lookup.down.insert(done.endpoint);
      lookup.only_not_found = false;
      break;
    case LookupStatus::bad_reply:
      lookup.only_not_found = false;
      break;
    case LookupStatus::not_found:
      break;
  }
  if (lookup.awaited.empty()) after_round(lookup);
}

// A round ended without a full answer: wait, retry, or give up.
void Enricher::after_round(Lookup& lookup) {
  ++lookup.attempt;
  bool gone = lookup.container->removed || lookup.last_round;
  if (!lookup.released && !gone && lookup.only_not_found && lookup.attempt < kHeldNotFoundRounds) {
    back_off(lookup, lookup.attempt);
    return;
  }
  bool exhausted = lookup.attempt >= options_.max_attempts && lookup.down.empty();
  if (gone || exhausted) {
    log(LogLevel::debug, "enrich", "{}: {}", lookup.container->id(),
        lookup.partial ? "left partial" : "no runtime knows it");
    finish(lookup, lookup.partial ? EnrichmentState::partial : EnrichmentState::failed, nullptr);
    return;
  }
  if (!lookup.released) {
    lookup.released = true;  // its events go out; the lookups go on
    publish(lookup, EnrichmentState::retrying, nullptr);
  }
  if (!lookup.down.empty())
    lookup.stage = Stage::waiting_for_runtime;
  else
    back_off(lookup, lookup.attempt);
}

void Enricher::back_off(Lookup& lookup, int attempt) {
  lookup.stage = Stage::backing_off;
  lookup.due = clock_.now() + backoff(attempt);
}

void Enricher::publish(Lookup& lookup, EnrichmentState state, const ContainerInfo* info) {
  auto container = lookup.container;  // the pipeline may call back into us
  pipeline_.enrichment_progress(container, state, info);
}

void Enricher::finish(Lookup& lookup, EnrichmentState state, const ContainerInfo* info) {
  auto container = lookup.container;
  lookups_.erase(container->id());
  pipeline_.enrichment_progress(container, state, info);
}

void Enricher::runtime_back(EndpointId endpoint) {
  for (auto& [id, lookup] : lookups_)
    if (lookup.stage == Stage::waiting_for_runtime && lookup.down.count(endpoint))
      back_off(lookup, lookup.attempt - 1);
}

void Enricher::tick() {
  endpoints_.tick();
  forget_old_news();
  auto now = clock_.now();
  std::vector<std::string> due;
  for (auto& [id, lookup] : lookups_)
    if (lookup.stage == Stage::backing_off && lookup.due <= now) due.push_back(id);
  ask_again(due);
}

void Enricher::ask_again(const std::vector<std::string>& ids) {
  for (auto& id : ids)
    if (auto found = lookups_.find(id); found != lookups_.end()) ask(found->second);
}

void Enricher::reconfigure(EnricherOptions options) {
  options_ = std::move(options);
  if (!options_.enabled) {
    endpoints_.clear();
    heard_.clear();
    auto lookups = std::exchange(lookups_, {});
    for (auto& [id, lookup] : lookups)
      pipeline_.enrichment_progress(
          lookup.container, lookup.partial ? EnrichmentState::partial : EnrichmentState::off,
          nullptr);
    return;
  }
  endpoints_.rebuild(options_.endpoints);
  heard_.clear();  // its endpoints are gone
  // Every container not fully known is asked anew, of the new endpoints.
  pipeline_.registry().for_each([&](const std::shared_ptr<ContainerRecord>& container) {
    if (container->enrichment == EnrichmentState::done || lookups_.count(container->id())) return;
    if (endpoints_.for_container(container->ref.runtime, owner_of(*container)).empty()) return;
    start(container, true);
  });
  std::vector<std::string> ids;
  for (auto& [id, lookup] : lookups_) {
    lookup.completing_from.reset();  // the endpoints are new
    lookup.attempt = 0;
    ids.push_back(id);
  }
  ask_again(ids);
  for (auto& id : ids)
    if (auto found = lookups_.find(id); found != lookups_.end() && found->second.released)
      pipeline_.enrichment_progress(found->second.container, state_of(found->second), nullptr);
}

// A runtime's create event, heard before the cgroup appeared, answers at once
// (partially: an inspect completes it), so the container's first events need
// not wait for an inspect.
bool Enricher::answer_from_stream(Lookup& lookup) {
  auto heard = heard_.find(lookup.container->id());
  if (heard == heard_.end() || !heard->second.created) return false;
  // containerd's create event carries an image only: no name, no labels, no pod.
  if (heard->second.info.name.empty()) return false;
  auto* endpoint = endpoints_.find(heard->second.endpoint);
  if (!endpoint || !may_speak_for(*endpoint, *lookup.container)) return false;
  log(LogLevel::debug, "enrich", "{} {}: {} (from its event stream)",
      to_string(endpoint->config.runtime), lookup.container->id(), heard->second.info.name);
  lookup.partial = true;
  lookup.released = true;
  lookup.completing_from = endpoint->id;
  publish(lookup, EnrichmentState::partial, &heard->second.info);
  return true;
}

bool Enricher::may_speak_for(const Endpoints::Endpoint& endpoint,
                             const ContainerRecord& container) const {
  auto asked = endpoints_.for_container(container.ref.runtime, owner_of(container));
  return std::find(asked.begin(), asked.end(), endpoint.id) != asked.end();
}

void Enricher::on_news() {
  for (auto& news : news_->take()) {
    auto* endpoint = endpoints_.find(news.endpoint);
    if (!endpoint) continue;  // from before a reconfigure
    endpoints_.on_stream(*endpoint, news);
    if (news.what == StreamNews::What::opening)
      relist(*endpoint);
    else if (news.what == StreamNews::What::event)
      on_stream_event(*endpoint, news.event);
  }
}

// While a stream was down (or before it opened), events were missed: every
// container of its runtime that is not fully known is asked about again.
void Enricher::relist(const Endpoints::Endpoint& endpoint) {
  pipeline_.registry().for_each([&](const std::shared_ptr<ContainerRecord>& container) {
    if (container->enrichment == EnrichmentState::done || !may_speak_for(endpoint, *container))
      return;
    auto lookup = lookups_.find(container->id());
    if (lookup == lookups_.end())
      start(container, true);
    else if (lookup->second.stage != Stage::asking)
      back_off(lookup->second, 0);
  });
}

void Enricher::on_stream_event(Endpoints::Endpoint& endpoint, RuntimeEvent& event) {
  const auto& id = event.container_id;
  if (id.empty()) return;
  auto now = clock_.now();
  if (!heard_.count(id) && heard_.size() >= kMostHeard) return;  // a flood: inspect will do
  auto& heard = heard_[id];
  if (heard.endpoint != 0 && heard.endpoint != endpoint.id && !heard.created) heard = {};
  heard.endpoint = endpoint.id;
  heard.expires = now + std::chrono::seconds(60);  // a create whose cgroup never came
  auto container = pipeline_.registry().find_by_id(id);
  bool trusted = container && may_speak_for(endpoint, *container);
  switch (event.kind) {
    case RuntimeEvent::Kind::created: {
      if (event.info.id.empty()) event.info.id = id;
      heard.info = event.info;
      heard.created = true;
      auto lookup = lookups_.find(id);
      if (trusted && lookup != lookups_.end() && !lookup->second.released &&
          !lookup->second.partial)
        answer_from_stream(lookup->second);
      break;
    }
    case RuntimeEvent::Kind::exited:
      if (trusted && event.exit_code) pipeline_.runtime_exited(container, *event.exit_code);
      break;
    case RuntimeEvent::Kind::oom:
      if (trusted) pipeline_.runtime_oom(container);
      break;
    case RuntimeEvent::Kind::destroyed:
      if (trusted && event.exit_code) pipeline_.runtime_exited(container, *event.exit_code);
      heard.expires = now + std::chrono::seconds(5);  // late events still carry its name
      break;
    case RuntimeEvent::Kind::health:
      heard.info.health = event.health;
      if (trusted) pipeline_.runtime_health(container, event.health);
      break;
    case RuntimeEvent::Kind::started:
      break;
  }
}

void Enricher::forget_old_news() {
  auto now = clock_.now();
  std::erase_if(heard_, [&](const auto& entry) { return entry.second.expires <= now; });
}

bool Enricher::settled() const {
  return std::none_of(lookups_.begin(), lookups_.end(),
                      [](const auto& entry) { return !entry.second.released; });
}

}  // namespace tracker
