#include "agent/enricher.h"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "util/log.h"

namespace tracker {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kPingInterval = 500 * kMs;
constexpr std::int64_t kDiscoveryInterval = 5000 * kMs;

std::int64_t now_ns() {
  return BootClock::now_epoch_ns();
}

std::unique_ptr<RuntimeClient> make_client(const EndpointConfig& config) {
  switch (config.runtime) {
    case Runtime::docker:
      return make_docker_client(config.socket);
    case Runtime::podman:
      return make_podman_client(config.socket);
    case Runtime::containerd:
      return make_containerd_client(config.socket);
    case Runtime::crio:
      return make_cri_client(config.socket, Runtime::crio);
    default:
      return nullptr;
  }
}

bool is_socket(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// Puts a runtime's answer in the record; true when that changed what it held.
bool apply(ContainerRecord& container, ContainerInfo info) {
  if (info.id.empty()) info.id = container.id();
  // What the full answer lacks and a partial one had (a best-effort image
  // lookup that failed this time) is kept.
  if (info.image_digest.empty() && info.image_id == container.info.image_id)
    info.image_digest = container.info.image_digest;
  bool changed = container.enrichment != EnrichmentState::done || container.info != info;
  container.info = std::move(info);
  container.enrichment = EnrichmentState::done;
  return changed;
}

}  // namespace

std::vector<EndpointConfig> default_endpoints(const std::string& run_user_dir) {
  std::vector<EndpointConfig> endpoints = {
      {Runtime::docker, "/var/run/docker.sock", false},
      {Runtime::containerd, "/var/run/containerd/containerd.sock", false},
      {Runtime::crio, "/var/run/crio/crio.sock", false},
      {Runtime::podman, "/var/run/podman/podman.sock", false},
  };
  glob_t found{};
  std::string pattern = run_user_dir + "/*/podman/podman.sock";
  if (glob(pattern.c_str(), 0, nullptr, &found) == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i)
      endpoints.push_back({Runtime::podman, found.gl_pathv[i], false});
  }
  globfree(&found);
  return endpoints;
}

Enricher::Enricher(EventLoop& loop, Pipeline& pipeline, EnricherOptions options)
    : loop_(loop), pipeline_(pipeline), options_(std::move(options)) {
  loop_.watch(results_.fd(), [this] { on_results(); });
  tick_timer_ = loop_.every(std::chrono::milliseconds(100), [this] { tick(); });
  build_endpoints();
}

Enricher::~Enricher() {
  loop_.unwatch(results_.fd());
  loop_.cancel(tick_timer_);
}

void Enricher::build_endpoints() {
  endpoints_.clear();
  if (!options_.enabled) return;
  auto configs = options_.endpoints.empty() ? default_endpoints() : options_.endpoints;
  for (auto& config : configs) add_endpoint(config);
  next_discovery_ns_ = now_ns() + kDiscoveryInterval;
}

void Enricher::add_endpoint(EndpointConfig config) {
  auto client = make_client(config);
  if (!client) return;
  Endpoint endpoint;
  endpoint.config = std::move(config);
  endpoint.pool = std::make_unique<LookupPool>(endpoints_.size(), std::move(client),
                                               options_.threads_per_endpoint,
                                               options_.queue_per_endpoint, results_);
  log(LogLevel::debug, "enrich", "{} socket {}", to_string(endpoint.config.runtime),
      endpoint.config.socket);
  if (!is_socket(endpoint.config.socket)) {
    endpoint.up = false;
    endpoint.next_ping_ns = now_ns() + kPingInterval;
    warn_once(
        endpoint, LookupStatus::unavailable,
        endpoint.config.socket + ": " +
            (access(endpoint.config.socket.c_str(), F_OK) == 0 ? "not a socket"
                                                               : "No such file or directory"));
  } else {
    // Learn whether it answers, for ListRuntimes; lookups are tried meanwhile.
    endpoint.probing = endpoint.ping_in_flight = endpoint.pool->ping(options_.timeout);
  }
  endpoints_.push_back(std::move(endpoint));
}

void Enricher::discover_rootless() {
  if (!options_.endpoints.empty()) return;
  for (auto& config : default_endpoints()) {
    bool known = std::any_of(endpoints_.begin(), endpoints_.end(),
                             [&](const Endpoint& e) { return e.config.socket == config.socket; });
    if (!known) {
      log(LogLevel::info, "enrich", "found {} socket {}", to_string(config.runtime), config.socket);
      add_endpoint(config);
    }
  }
}

void Enricher::reconfigure(EnricherOptions options) {
  options_ = std::move(options);
  build_endpoints();
  for (auto& [id, pending] : pending_) {
    pending.outstanding = 0;
    pending.waiting_for.clear();
    pending.due_ns = now_ns();
    pending.completing_endpoint = kAnyEndpoint;  // the endpoints were rebuilt
  }
  if (!options_.enabled) {
    for (auto& [id, pending] : pending_) {
      if (!pending.completing) pending.container->enrichment = EnrichmentState::off;
      pipeline_.release(pending.container);
    }
    pending_.clear();
  }
}

std::vector<std::size_t> Enricher::candidates(const ContainerRecord& container) const {
  std::vector<Runtime> runtimes;
  switch (container.ref.runtime) {
    case Runtime::docker:
    case Runtime::podman:
    case Runtime::containerd:
    case Runtime::crio:
      runtimes = {container.ref.runtime};
      break;
    case Runtime::unknown:  // a Kubernetes pod's container: any CRI runtime, or dockershim
      runtimes = {Runtime::crio, Runtime::containerd, Runtime::docker};
      break;
    case Runtime::garden:
    case Runtime::nspawn:
    case Runtime::libvirt_lxc:
    case Runtime::lxc:
      break;
  }
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < endpoints_.size(); ++i)
    if (std::find(runtimes.begin(), runtimes.end(), endpoints_[i].config.runtime) != runtimes.end())
      result.push_back(i);
  return result;
}

void Enricher::container_added(const std::shared_ptr<ContainerRecord>& container) {
  if (!options_.enabled || candidates(*container).empty()) {
    container->enrichment = EnrichmentState::off;
    return;
  }
  container->enrichment = EnrichmentState::pending;
  Pending pending;
  pending.container = container;
  auto [entry, inserted] = pending_.insert_or_assign(container->id(), std::move(pending));
  start_lookup(entry->second);
}

void Enricher::container_removed(const std::shared_ptr<ContainerRecord>& container) {
  auto entry = pending_.find(container->id());
  if (entry == pending_.end()) return;
  if (entry->second.outstanding > 0) {
    entry->second.attempt = options_.max_attempts;  // its answer is the last one asked for
    return;
  }
  if (container->enrichment == EnrichmentState::pending)
    container->enrichment = EnrichmentState::failed;
  pipeline_.release(container);
  pending_.erase(entry);
}

void Enricher::start_lookup(Pending& pending) {
  pending.ticket = next_ticket_++;
  pending.outstanding = 0;
  pending.any_unavailable = false;
  pending.due_ns = 0;
  pending.waiting_for.clear();
  // Only the first lookup of a new container, the one its events wait for
  // while the runtime may still be starting it, may be answered partially;
  // retries, existing containers and the completion of a partial answer get
  // the full inspect.
  bool first_of_new = pending.attempt == 0 && !pending.completing &&
                      pending.container->origin == ContainerOrigin::created;
  auto mode = first_of_new ? LookupMode::quick : LookupMode::full;
  auto asked = candidates(*pending.container);
  if (pending.completing && pending.completing_endpoint != kAnyEndpoint)
    asked = {pending.completing_endpoint};
  for (auto index : asked) {
    auto& endpoint = endpoints_[index];
    if (!endpoint.up) {
      pending.waiting_for.insert(index);
      continue;
    }
    if (endpoint.pool->inspect(pending.container->id(), pending.ticket, options_.timeout, mode)) {
      ++pending.outstanding;
      ++endpoint.lookups;
    } else {
      pending.any_unavailable = true;
    }
  }
  if (pending.outstanding == 0) {
    auto container = pending.container;
    if (pending.first_answer) {
      pending.first_answer = false;
      container->enrichment = EnrichmentState::failed;
      pipeline_.release(container);
    }
    schedule_retry(pending);
  }
}

void Enricher::on_results() {
  for (auto& done : results_.take()) {
    if (done.endpoint >= endpoints_.size()) continue;  // from before a reconfigure
    if (done.container_id.empty())
      on_ping(done);
    else
      on_result(done);
  }
}

void Enricher::warn_once(Endpoint& endpoint, LookupStatus status, const std::string& error) {
  endpoint.last_error = error;
  std::string key = std::to_string(static_cast<int>(status));
  if (endpoint.warned == key) return;
  endpoint.warned = key;
  bool quiet = status == LookupStatus::unavailable && !endpoint.config.configured &&
               !is_socket(endpoint.config.socket);
  log(quiet ? LogLevel::debug : LogLevel::warning, "enrich", "{}: {}",
      to_string(endpoint.config.runtime), error);
}

void Enricher::on_result(LookupDone& done) {
  auto entry = pending_.find(done.container_id);
  if (entry == pending_.end() || entry->second.ticket != done.ticket) return;
  Pending& pending = entry->second;
  Endpoint& endpoint = endpoints_[done.endpoint];
  --pending.outstanding;

  switch (done.result.status) {
    case LookupStatus::found:
      if (!endpoint.up) log(LogLevel::info, "enrich", "{} answers again", endpoint.config.socket);
      endpoint.up = true;
      endpoint.answered = true;
      endpoint.warned.clear();
      endpoint.last_error.clear();
      ++endpoint.found;
      // enrich_latency_bench reads "<runtime> <id>: <name> in <n> us" as the lookup
      // that released the container: a completion is worded apart.
      if (pending.completing)
        log(LogLevel::debug, "enrich", "{} {} completed: {} in {} us",
            to_string(endpoint.config.runtime), done.container_id, done.result.info.name,
            done.took.count());
      else
        log(LogLevel::debug, "enrich", "{} {}: {}{} in {} us", to_string(endpoint.config.runtime),
            done.container_id, done.result.info.name, done.result.partial ? " (partial)" : "",
            done.took.count());
      if (done.result.partial)
        publish_partial(pending, done.endpoint, done.result.info);
      else
        finish(pending, &done.result.info);
      return;
    case LookupStatus::unavailable:
      endpoint.up = false;
      endpoint.next_ping_ns = now_ns() + kPingInterval;
      pending.waiting_for.insert(done.endpoint);
      warn_once(endpoint, done.result.status, done.result.error);
      break;
    case LookupStatus::bad_reply:
      endpoint.up = true;
      endpoint.answered = true;
      warn_once(endpoint, done.result.status, done.result.error);
      break;
    case LookupStatus::not_found:
      endpoint.up = true;
      endpoint.answered = true;
      break;
  }
  if (pending.outstanding > 0) return;
  if (pending.first_answer && done.result.status == LookupStatus::not_found &&
      pending.attempt < 3 && !pending.container->removed) {
    schedule_retry(pending);  // a runtime may register it only after making its cgroup
    return;
  }
  if (pending.first_answer) {
    pending.first_answer = false;
    pending.container->enrichment = EnrichmentState::failed;
    pipeline_.release(pending.container);
  }
  schedule_retry(pending);
}

void Enricher::finish(Pending& pending, const ContainerInfo* info) {
  auto container = pending.container;
  bool changed = info && apply(*container, *info);
  pending_.erase(container->id());
  bool already_told = container->listeners_told;
  pipeline_.release(container);
  if (changed && already_told) pipeline_.updated(container);
}

// The container is known from a partial answer: its events go out now, and
// full inspects of the same endpoint complete the record later, retried with
// backoff like any lookup; when they fail, the record keeps what it has.
void Enricher::publish_partial(Pending& pending, std::size_t endpoint, const ContainerInfo& info) {
  auto container = pending.container;
  bool changed = apply(*container, info);
  bool already_told = container->listeners_told;
  pending.first_answer = false;
  pending.completing = true;
  pending.completing_endpoint = endpoint;
  pipeline_.release(container);
  if (changed && already_told) pipeline_.updated(container);
  if (container->removed) {
    pending_.erase(container->id());
    return;
  }
  start_lookup(pending);
}

void Enricher::schedule_retry(Pending& pending) {
  ++pending.attempt;
  if (pending.container->removed || pending.attempt >= options_.max_attempts) {
    if (pending.waiting_for.empty() || pending.container->removed) {
      log(LogLevel::debug, "enrich", "{}: {}", pending.container->id(),
          pending.completing ? "left partial" : "no runtime knows it");
      pending_.erase(pending.container->id());
      return;
    }
  }
  if (!pending.waiting_for.empty()) return;  // retried when a runtime that was down answers
  std::int64_t delay =
      std::min<std::int64_t>(250 * kMs << std::min(pending.attempt - 1, 7), 30'000 * kMs);
  pending.due_ns = now_ns() + delay;
}

void Enricher::on_ping(LookupDone& done) {
  Endpoint& endpoint = endpoints_[done.endpoint];
  endpoint.ping_in_flight = false;
  bool probe = std::exchange(endpoint.probing, false);
  if (done.result.status != LookupStatus::found) {
    if (endpoint.last_error.empty())
      warn_once(endpoint, LookupStatus::unavailable, endpoint.config.socket + ": not answering");
    if (probe) return;  // lookups will tell whether it is down
    endpoint.up = false;
    endpoint.next_ping_ns = now_ns() + kPingInterval;
    return;
  }
  if (!endpoint.up || !endpoint.answered)
    log(endpoint.answered ? LogLevel::info : LogLevel::debug, "enrich", "{} at {} answers{}",
        to_string(endpoint.config.runtime), endpoint.config.socket,
        endpoint.answered ? " again" : "");
  endpoint.up = true;
  endpoint.answered = true;
  endpoint.last_error.clear();
  for (auto& [id, pending] : pending_)
    if (pending.waiting_for.erase(done.endpoint) && pending.outstanding == 0)
      pending.due_ns =
          now_ns() +
          (pending.attempt > 1
               ? std::min<std::int64_t>(250 * kMs << std::min(pending.attempt - 2, 7), 30'000 * kMs)
               : 0);
}

void Enricher::tick() {
  std::int64_t now = now_ns();
  for (auto& endpoint : endpoints_) {
    if (endpoint.up || endpoint.ping_in_flight || now < endpoint.next_ping_ns) continue;
    endpoint.ping_in_flight = endpoint.pool->ping(options_.timeout);
  }
  std::vector<std::string> due;
  for (auto& [id, pending] : pending_)
    if (pending.due_ns && pending.due_ns <= now && pending.outstanding == 0) due.push_back(id);
  for (auto& id : due) start_lookup(pending_.at(id));
  if (options_.enabled && now >= next_discovery_ns_) {
    next_discovery_ns_ = now + kDiscoveryInterval;
    discover_rootless();
  }
}

bool Enricher::settled() const {
  return std::none_of(pending_.begin(), pending_.end(),
                      [](const auto& entry) { return entry.second.first_answer; });
}

std::vector<EndpointStatus> Enricher::endpoints() const {
  std::vector<EndpointStatus> result;
  for (auto& endpoint : endpoints_)
    result.push_back({endpoint.config.runtime, endpoint.config.socket, endpoint.config.configured,
                      endpoint.up && endpoint.answered, endpoint.last_error, endpoint.lookups,
                      endpoint.found});
  return result;
}

}  // namespace tracker
