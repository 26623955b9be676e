#include "kernel/probes.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstring>
#include <mutex>

#include "bpf/tracker.skel.h"
#include "kernel/event_record.h"
#include "kernel/key_scan.h"
#include "util/log.h"

namespace tracker {
namespace {

std::mutex libbpf_log_mutex;
std::string libbpf_last_error;

int libbpf_log(enum libbpf_print_level level, const char* format, va_list args) {
  char buffer[1024];
  int length = vsnprintf(buffer, sizeof(buffer), format, args);
  std::string_view text(buffer, length > 0 ? std::min<size_t>(length, sizeof(buffer) - 1) : 0);
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (level == LIBBPF_WARN) {
    std::lock_guard lock(libbpf_log_mutex);
    libbpf_last_error = text;
  }
  log(level == LIBBPF_WARN ? LogLevel::debug : LogLevel::debug, "libbpf", "{}", text);
  return 0;
}

template <typename T>
T load_relaxed(const T& value) {
  return __atomic_load_n(&value, __ATOMIC_RELAXED);
}

std::uint32_t mount_namespace_of(const char* path) {
  struct stat st {};
  return stat(path, &st) == 0 ? static_cast<std::uint32_t>(st.st_ino) : 0;
}

void enable_kind(tracker_bpf* skel, bool btf) {
  bpf_program* btf_programs[] = {
      skel->progs.tp_btf_cgroup_mkdir,       skel->progs.tp_btf_cgroup_rmdir,
      skel->progs.tp_btf_cgroup_rename,      skel->progs.tp_btf_sched_process_fork,
      skel->progs.tp_btf_sched_process_exec, skel->progs.tp_btf_sched_process_exit};
  bpf_program* raw_programs[] = {
      skel->progs.raw_tp_cgroup_mkdir,       skel->progs.raw_tp_cgroup_rmdir,
      skel->progs.raw_tp_cgroup_rename,      skel->progs.raw_tp_sched_process_fork,
      skel->progs.raw_tp_sched_process_exec, skel->progs.raw_tp_sched_process_exit};
  for (auto* program : btf_programs) bpf_program__set_autoload(program, btf);
  for (auto* program : raw_programs) bpf_program__set_autoload(program, !btf);
}

std::string describe_failure(const char* what, int err) {
  std::string detail;
  {
    std::lock_guard lock(libbpf_log_mutex);
    detail = libbpf_last_error;
  }
  std::string text = fmt::format("{}: {}", what, std::strerror(std::abs(err)));
  if (std::abs(err) == EPERM)
    text +=
        " (the kernel refused BPF: tracker must run as root, with CAP_BPF, CAP_PERFMON and "
        "CAP_SYS_ADMIN, and no seccomp filter blocking bpf())";
  if (!detail.empty()) text += "; libbpf: " + detail;
  return text;
}

}  // namespace

std::string check_bpf_prerequisites() {
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
    return "kernel BTF is missing (/sys/kernel/btf/vmlinux): tracker needs a kernel built with "
           "CONFIG_DEBUG_INFO_BTF=y";
  if (geteuid() != 0)
    return "tracker must run as root to load its BPF programs (it needs CAP_BPF, CAP_PERFMON and "
           "CAP_SYS_ADMIN)";
  return {};
}

std::unique_ptr<Probes> Probes::load(const ProbeOptions& options, KernelEventSink& sink,
                                     std::string& error) {
  libbpf_set_print(libbpf_log);
  std::unique_ptr<Probes> probes(new Probes());
  probes->sink_ = &sink;
  probes->state_map_entries_ = options.state_map_entries;
  // The host's mount namespace is init's; where init cannot be inspected, ours.
  probes->host_mnt_ns_ = mount_namespace_of("/proc/1/ns/mnt");
  if (probes->host_mnt_ns_ == 0) probes->host_mnt_ns_ = mount_namespace_of("/proc/self/ns/mnt");

  int err = 0;
  for (bool btf : {true, false}) {
    if (btf && options.force_raw_tracepoints) continue;
    tracker_bpf* skel = tracker_bpf__open();
    if (!skel) {
      error = describe_failure("cannot open the BPF object", errno);
      return nullptr;
    }
    skel->rodata->tracked_hierarchy_id = options.hierarchy.hierarchy_id;
    skel->rodata->tracked_v1_controller = static_cast<std::uint32_t>(options.hierarchy.controller);
    bpf_map__set_max_entries(skel->maps.events, options.ring_buffer_bytes);
    bpf_map__set_max_entries(skel->maps.containers, options.state_map_entries);
    enable_kind(skel, btf);
    bpf_program__set_autoattach(skel->progs.raw_tp_mark_victim, false);
    err = tracker_bpf__load(skel);
    if (err == 0) err = tracker_bpf__attach(skel);
    if (err == 0) {
      probes->skel_ = skel;
      probes->attach_kind_ = btf ? "tp_btf" : "raw_tp";
      break;
    }
    log(LogLevel::debug, "kernel", "{} programs failed: {}", btf ? "tp_btf" : "raw_tp",
        std::strerror(-err));
    tracker_bpf__destroy(skel);
  }
  if (!probes->skel_) {
    error = describe_failure("cannot load and attach the BPF programs", err);
    return nullptr;
  }

  probes->skel_->bss->tracker_config.host_mnt_ns = probes->host_mnt_ns_;
  probes->oom_link_ = bpf_program__attach(probes->skel_->progs.raw_tp_mark_victim);
  if (!probes->oom_link_)
    log(LogLevel::warning, "kernel", "OOM kills are not seen: oom/mark_victim: {}",
        std::strerror(errno));
  probes->ring_ = ring_buffer__new(bpf_map__fd(probes->skel_->maps.events), Probes::on_record,
                                   probes.get(), nullptr);
  if (!probes->ring_) {
    error = describe_failure("cannot open the ring buffer", errno);
    return nullptr;
  }
  return probes;
}

Probes::~Probes() {
  if (ring_) ring_buffer__free(ring_);
  if (oom_link_) bpf_link__destroy(oom_link_);
  if (skel_) tracker_bpf__destroy(skel_);
}

int Probes::ring_buffer_fd() const {
  return ring_buffer__epoll_fd(ring_);
}

int Probes::consume() {
  return ring_buffer__consume(ring_);
}

int Probes::on_record(void* context, void* data, std::size_t size) {
  auto* probes = static_cast<Probes*>(context);
  if (!record_is_whole(data, size)) {
    ++probes->malformed_records_;
    return 0;
  }
  const auto& event = *static_cast<const tracker_event*>(data);
  probes->sink_->on_kernel_event(event);
  // Read, and so dealt with: the sink has classified the cgroup and recorded it if it must.
  if (event.flags & TRACKER_FLAG_STATE_UNRECORDED &&
      (event.type == TRACKER_EVENT_CGROUP_MKDIR || event.type == TRACKER_EVENT_CGROUP_RENAME))
    probes->ledger_.flagged_event_read();
  return 0;
}

void Probes::configure(tracker_scope_mode scope, std::uint32_t event_mask) {
  auto& config = skel_->bss->tracker_config;
  config.scope_mode = scope;
  config.event_mask = event_mask;
}

std::uint64_t Probes::cgroup_events_lost() const {
  return load_relaxed(skel_->bss->cgroup_events_lost);
}

std::uint64_t Probes::process_events_lost() const {
  return load_relaxed(skel_->bss->process_events_lost);
}

std::uint64_t Probes::state_map_failures() const {
  return load_relaxed(skel_->bss->state_map_failures) + ledger_.failures();
}

bool Probes::state_map_degraded() const {
  return !ledger_.unrecorded().empty() || load_relaxed(skel_->bss->state_map_failures) !=
                                              load_relaxed(skel_->bss->state_map_settled);
}

std::uint64_t Probes::walk_mark() const {
  return __atomic_load_n(&skel_->bss->state_map_failures_unreported, __ATOMIC_ACQUIRE);
}

void Probes::walked(std::uint64_t mark) {
  ledger_.walked(mark);
}

void Probes::maintain_state_map(bool retry) {
  if (retry && !ledger_.unrecorded().empty()) {
    std::erase_if(ledger_.unrecorded(),
                  [&](const auto& entry) { return update(entry.first, entry.second); });
    publish_unrecorded();
  }
  // The kernel counts a failure as unreported before it counts it at all: read
  // in this order, what `failures` includes, `unreported` includes too.
  auto* bss = skel_->bss;
  std::uint64_t failures = __atomic_load_n(&bss->state_map_failures, __ATOMIC_ACQUIRE);
  std::uint64_t unreported = __atomic_load_n(&bss->state_map_failures_unreported, __ATOMIC_ACQUIRE);
  if (auto settled = ledger_.all_dealt_with(failures, unreported);
      settled && load_relaxed(bss->state_map_settled) != *settled)
    __atomic_store_n(&bss->state_map_settled, *settled, __ATOMIC_RELEASE);
}

void Probes::publish_unrecorded() {
  auto count =
      static_cast<std::uint32_t>(std::min<std::size_t>(ledger_.unrecorded().size(), UINT32_MAX));
  __atomic_store_n(&skel_->bss->state_map_unrecorded, count, __ATOMIC_RELEASE);
}

bool Probes::update(std::uint64_t cgroup_id, const tracker_container_value& value) {
  return bpf_map__update_elem(skel_->maps.containers, &cgroup_id, sizeof(cgroup_id), &value,
                              sizeof(value), BPF_ANY) == 0;
}

bool Probes::set(std::uint64_t cgroup_id, tracker_container_state state,
                 std::uint64_t root_cgroup_id) {
  tracker_container_value value{};
  value.state = state;
  value.root_cgroup_id = root_cgroup_id;
  if (update(cgroup_id, value)) {
    if (ledger_.settled(cgroup_id)) publish_unrecorded();
    return true;
  }
  // Until it is recorded, the kernel passes the events of cgroups it has no entry for.
  ledger_.failed(cgroup_id, value);
  publish_unrecorded();
  return false;
}

void Probes::forget(std::uint64_t cgroup_id) {
  bpf_map__delete_elem(skel_->maps.containers, &cgroup_id, sizeof(cgroup_id), 0);
  if (ledger_.settled(cgroup_id)) publish_unrecorded();
}

std::optional<tracker_container_value> Probes::get(std::uint64_t cgroup_id) const {
  tracker_container_value value{};
  if (bpf_map__lookup_elem(skel_->maps.containers, &cgroup_id, sizeof(cgroup_id), &value,
                           sizeof(value), 0) != 0)
    return std::nullopt;
  return value;
}

std::vector<std::uint64_t> Probes::ids() const {
  return scan_keys(
      [this](const std::uint64_t* key, std::uint64_t& next) {
        return bpf_map__get_next_key(skel_->maps.containers, key, &next, sizeof(next)) == 0;
      },
      state_map_entries_);
}

}  // namespace tracker
