#include "agent/reload_plan.h"

namespace tracker {
namespace {

bool same_sockets(const std::vector<CriSocket>& a, const std::vector<CriSocket>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].runtime != b[i].runtime || a[i].path != b[i].path) return false;
  return true;
}

}  // namespace

ReloadPlan plan_reload(const Options& before, const Options& after) {
  ReloadPlan plan;
  plan.reopen_output = after.output != before.output || after.output_path != before.output_path ||
                       !after.output_path.empty() ||
                       after.scope.has_container_filter() != before.scope.has_container_filter() ||
                       after.containers != before.containers;
  plan.needs_restart = after.cgroup_hierarchy != before.cgroup_hierarchy ||
                       after.buffer_kib != before.buffer_kib ||
                       after.raw_tracepoints != before.raw_tracepoints;
  plan.reconfigure_enrichment = after.containers != before.containers ||
                                after.enrichment_timeout != before.enrichment_timeout ||
                                !same_sockets(after.cri_sockets, before.cri_sockets);
  plan.reschedule_metrics = after.metrics_path != before.metrics_path ||
                            after.metrics_interval != before.metrics_interval;
  return plan;
}

}  // namespace tracker
