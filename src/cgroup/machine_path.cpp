// Containers of the machine managers: systemd-nspawn, libvirt-LXC and LXC.
// Their cgroups carry the machine's name, not a hex id; libvirt's QEMU guests
// share their layout and are virtual machines, not containers.
#include <algorithm>
#include <array>
#include <optional>

#include "cgroup/path_rule.h"

namespace tracker::path_rule {
namespace {

constexpr std::string_view kScope = ".scope";
constexpr std::string_view kMachinePrefix = "machine-";
constexpr std::string_view kNspawnServicePrefix = "systemd-nspawn@";
constexpr std::string_view kService = ".service";
constexpr std::string_view kLxcPayloadPrefix = "lxc.payload.";
constexpr std::string_view kLibvirtLxcSuffix = ".libvirt-lxc";
// machined's names are host names; LXC's may be longer.
constexpr std::size_t kMaxMachineName = 255;

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// systemd writes the characters a unit name may not hold as "\xNN" ("-" is "\x2d").
std::optional<std::string> unescape_unit_name(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (i + 3 >= s.size() || s[i + 1] != 'x') return std::nullopt;
    int high = hex_value(s[i + 2]), low = hex_value(s[i + 3]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 3;
  }
  return out;
}

// What machined (a host name) and LXC (a container name) both accept.
bool is_machine_name(std::string_view s) {
  return !s.empty() && s.size() <= kMaxMachineName && is_alnum(s.front()) &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

std::optional<std::string_view> strip(std::string_view s, std::string_view prefix,
                                      std::string_view suffix) {
  if (s.size() < prefix.size() + suffix.size() || !s.starts_with(prefix) || !s.ends_with(suffix))
    return std::nullopt;
  return s.substr(prefix.size(), s.size() - prefix.size() - suffix.size());
}

// machine.slice, a partition below it ("machine-engineering.slice", libvirt's docs), or the
// slice systemd-nspawn --slice= named.
bool is_machine_slice(std::string_view s) {
  return s.ends_with(".slice");
}

// A container runtime's scope ends in its 64-hex id ("libpod-conmon-<id>.scope").
bool ends_in_hex_id(std::string_view s) {
  return s.size() > kHexIdLength && s[s.size() - kHexIdLength - 1] == '-' &&
         is_hex_id(s.substr(s.size() - kHexIdLength));
}

// libvirt names a guest "<driver>-<domain id>-<name>", before 1.3 "<driver>-<name>".
struct LibvirtGuest {
  std::string_view driver;
  std::string_view name;
};

std::optional<LibvirtGuest> libvirt_guest(std::string_view machine) {
  // "ch" is the cloud-hypervisor driver; it has always put the domain id in.
  static constexpr std::array<std::string_view, 3> kDrivers = {"lxc", "qemu", "ch"};
  for (auto driver : kDrivers) {
    if (machine.size() <= driver.size() + 1 || !machine.starts_with(driver) ||
        machine[driver.size()] != '-')
      continue;
    auto rest = machine.substr(driver.size() + 1);
    auto dash = rest.find('-');
    if (dash != std::string_view::npos && dash > 0 && all_digits(rest.substr(0, dash)))
      return LibvirtGuest{driver, rest.substr(dash + 1)};
    if (driver != "ch") return LibvirtGuest{driver, rest};
  }
  return std::nullopt;
}

Verdict libvirt_or_nspawn(const std::string& machine) {
  if (auto guest = libvirt_guest(machine)) {
    if (guest->driver != "lxc" || guest->name.empty()) return Verdict::none();  // a VM
    return Verdict::found(Runtime::libvirt_lxc, machine, guest->name);
  }
  return Verdict::found(Runtime::nspawn, machine, machine);
}

// "machine-<name>.scope": systemd-nspawn, libvirt (machine-lxc\x2d<id>\x2d<name>.scope,
// machine-qemu\x2d<id>\x2d<name>.scope), and whatever else registers with machined.
Verdict machine_scope(const Position& at) {
  auto escaped = strip(at.name(), kMachinePrefix, kScope);
  if (!escaped || !is_machine_slice(at.ancestor(1))) return Verdict::none();
  auto machine = unescape_unit_name(*escaped);
  if (!machine || !is_machine_name(*machine)) return Verdict::none();
  return libvirt_or_nspawn(*machine);
}

// An unprivileged systemd-nspawn runs in "<name>.scope" of its user manager's machine.slice.
Verdict user_machine_scope(const Position& at) {
  auto user_manager = at.ancestor(2);
  auto escaped = strip(at.name(), "", kScope);
  if (!escaped || at.ancestor(1) != "machine.slice" || !user_manager.starts_with("user@") ||
      !user_manager.ends_with(kService) || escaped->starts_with(kMachinePrefix) ||
      ends_in_hex_id(*escaped))
    return Verdict::none();
  auto machine = unescape_unit_name(*escaped);
  if (!machine || !is_machine_name(*machine)) return Verdict::none();
  return Verdict::found(Runtime::nspawn, *machine, *machine);
}

// systemd-nspawn@<name>.service runs nspawn --keep-unit: the container stays in the service.
Verdict nspawn_service(const Position& at) {
  auto escaped = strip(at.name(), kNspawnServicePrefix, kService);
  auto machine = escaped ? unescape_unit_name(*escaped) : std::nullopt;
  if (!machine || !is_machine_name(*machine)) return Verdict::none();
  return Verdict::found(Runtime::nspawn, *machine, *machine);
}

// libvirt without systemd: "<machine>.libvirt-lxc" in a partition; before libvirt 1.0.5
// ".../libvirt/lxc/<name>".
Verdict libvirt_cgroupfs(const Position& at) {
  if (auto machine = strip(at.name(), "", kLibvirtLxcSuffix)) {
    if (!is_machine_name(*machine)) return Verdict::none();
    auto guest = libvirt_guest(*machine);
    if (guest && guest->driver != "lxc") return Verdict::none();
    return Verdict::found(Runtime::libvirt_lxc, *machine, guest ? guest->name : *machine);
  }
  if (at.ancestor(1) == "lxc" && at.ancestor(2) == "libvirt" && is_machine_name(at.name()))
    return Verdict::found(Runtime::libvirt_lxc, at.name(), at.name());
  return Verdict::none();
}

bool is_lxc_monitor(std::string_view s) {
  if (s == "monitor") return true;
  auto retry = strip(s, "monitor-", "");
  return retry && !retry->empty() && all_digits(*retry);
}

// LXC 4+: "lxc.payload.<name>" (its monitor "lxc.monitor.<name>" and "lxc.pivot" are not
// containers); LXC 3 and lxc.cgroup.pattern "lxc/%n": "lxc/<name>", where LXC 4+ puts the
// monitor in ".../monitor" and the container in ".../payload" below it.
Verdict lxc(const Position& at) {
  if (auto name = strip(at.name(), kLxcPayloadPrefix, "")) {
    if (!is_machine_name(*name)) return Verdict::none();
    return Verdict::found(Runtime::lxc, *name, *name);
  }
  if (at.ancestor(2) == "lxc" && at.ancestor(3) != "libvirt" && is_lxc_monitor(at.name()))
    return Verdict::stop();
  if (at.ancestor(1) == "lxc" && at.ancestor(2) != "libvirt" && is_machine_name(at.name()))
    return Verdict::found(Runtime::lxc, at.name(), at.name());
  return Verdict::none();
}

}  // namespace

Verdict match_machine(const Position& at) {
  for (auto rule : {lxc, nspawn_service, machine_scope, user_machine_scope, libvirt_cgroupfs}) {
    if (auto verdict = rule(at); verdict.kind != Verdict::Kind::none) return verdict;
  }
  return Verdict::none();
}

}  // namespace tracker::path_rule
