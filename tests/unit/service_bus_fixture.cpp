#include "tests/unit/service_bus_fixture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>

#include "service/dbus_names.h"
#include "trackerctl/trackerctl_path.h"

namespace tracker::testing {
namespace {

constexpr const char* kBusConfig = R"(<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=@DIR@/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// fork + exec with stdout/stderr on pipes; the child dies with us. Everything
// the child needs is built before fork(): the tests have threads.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int* out_fd,
            int* err_fd) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) {
    std::string text(*entry);
    auto name = text.substr(0, text.find('=') + 1);
    bool replaced = false;
    for (const auto& extra : env) replaced |= extra.rfind(name, 0) == 0;
    if (!replaced) environment.push_back(text);
  }
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<char*> envp, args;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return -1;
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return -1;
  }
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, STDIN_FILENO);
    execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  *out_fd = out[0];
  *err_fd = err[0];
  return pid;
}

int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (done < 0) return -1;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace

PrivateBus::PrivateBus() {
  char dir[] = "/tmp/tracker-test-bus-XXXXXX";
  if (!mkdtemp(dir)) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = dir;
  std::ofstream(dir_ + "/bus.conf") << replace_all(kBusConfig, "@DIR@", dir_);
  launch();
}

void PrivateBus::launch() {
  address_.clear();
  error_.clear();
  int out_fd = -1, err_fd = -1;
  pid_ = spawn({"dbus-daemon", "--config-file=" + dir_ + "/bus.conf", "--nofork", "--nopidfile",
                "--print-address=1"},
               {}, &out_fd, &err_fd);
  if (pid_ < 0) {
    error_ = "cannot start dbus-daemon";
    return;
  }
  pollfd fd{out_fd, POLLIN, 0};
  std::string text;
  char buffer[512];
  while (text.find('\n') == std::string::npos && poll(&fd, 1, 10'000) > 0) {
    ssize_t n = read(out_fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (text.find('\n') != std::string::npos) {
    address_ = text.substr(0, text.find('\n'));
  } else {
    ssize_t n = read(err_fd, buffer, sizeof(buffer) - 1);
    error_ = "dbus-daemon did not start: " + std::string(buffer, n > 0 ? n : 0);
  }
  // Kept open until the daemon stops: a write into a closed pipe would kill it.
  out_fd_ = out_fd;
  err_fd_ = err_fd;
}

void PrivateBus::stop(int signal) {
  if (pid_ > 0) {
    kill(pid_, signal);
    wait_exit(pid_, 5s);
    pid_ = -1;
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  out_fd_ = err_fd_ = -1;
}

void PrivateBus::crash() {
  stop(SIGKILL);
}

bool PrivateBus::restart() {
  stop(SIGKILL);
  launch();
  return !address_.empty();
}

PrivateBus::~PrivateBus() {
  stop(SIGTERM);
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

LoopThread::LoopThread(std::function<void(EventLoop&)> setup, std::function<void()> teardown) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::promise<void> started;
  thread_ = std::thread([this, &started, setup, teardown] {
    EventLoop loop;
    loop_ = &loop;
    setup(loop);
    loop.watch(wake_fd_, [this] { drain(); });
    started.set_value();
    loop.run();
    teardown();
    loop_ = nullptr;
  });
  started.get_future().wait();
}

LoopThread::~LoopThread() {
  post([this] { loop_->stop(); });
  thread_.join();
  close(wake_fd_);
}

void LoopThread::post(const std::function<void()>& work) {
  std::promise<void> done;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back([&work, &done] {
      work();
      done.set_value();
    });
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = write(wake_fd_, &one, sizeof(one));
  done.get_future().wait();
}

void LoopThread::drain() {
  std::uint64_t count;
  [[maybe_unused]] auto got = read(wake_fd_, &count, sizeof(count));
  std::vector<std::function<void()>> work;
  {
    std::lock_guard lock(mutex_);
    work.swap(queue_);
  }
  for (auto& item : work) item();
}

ServiceHarness::ServiceHarness(const std::string& address, AuthorizerOptions authorization,
                               const std::function<void(FakeBackend&)>& setup,
                               std::size_t max_reply_bytes) {
  setup(backend_);
  thread_ = std::make_unique<LoopThread>(
      [&](EventLoop& loop) {
        auto bus = open_bus(address);
        if (!bus.connection) {
          start_error_ = bus.error;
          return;
        }
        DbusServiceOptions options;
        options.authorization = authorization;
        options.max_reply_bytes = max_reply_bytes;
        service_ = std::make_unique<DbusService>(loop, std::move(bus.connection), backend_,
                                                 std::move(options));
        start_error_ = service_->start();
      },
      [this] { service_.reset(); });
}

ServiceHarness::~ServiceHarness() {
  thread_.reset();
}

void ServiceHarness::run(const std::function<void(FakeBackend&, DbusService&)>& work) {
  thread_->post([&] { work(backend_, *service_); });
}

FakePolkit::FakePolkit(const std::string& address) {
  thread_ = std::make_unique<LoopThread>(
      [this, address](EventLoop& loop) {
        loop_ = &loop;
        try {
          connection_ = sdbus::createSessionBusConnectionWithAddress(address);
          object_ = sdbus::createObject(*connection_, "/org/freedesktop/PolicyKit1/Authority");
          object_->registerMethod("org.freedesktop.PolicyKit1.Authority", "CheckAuthorization",
                                  "(sa{sv})sa{ss}us", "(bba{ss})",
                                  [this](sdbus::MethodCall call) { serve(std::move(call)); });
          object_->finishRegistration();
          connection_->requestName("org.freedesktop.PolicyKit1");
          driver_ = std::make_unique<BusDriver>(loop, *connection_, nullptr);
          ready_ = true;
        } catch (const sdbus::Error&) {
        }
      },
      [this] {
        for (int timer : timers_) loop_->cancel(timer);
        driver_.reset();
        object_.reset();
        connection_.reset();
      });
}

FakePolkit::~FakePolkit() {
  thread_.reset();
}

void FakePolkit::decide(const std::string& action, Decision decision) {
  std::lock_guard lock(mutex_);
  decisions_[action] = decision;
}

void FakePolkit::delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void FakePolkit::never_answer(const std::string& subject_name) {
  std::lock_guard lock(mutex_);
  unanswered_subjects_.insert(subject_name);
}

std::vector<FakePolkit::Request> FakePolkit::requests() {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakePolkit::serve(sdbus::MethodCall call) {
  sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>> subject;
  std::string action, cancellation;
  std::map<std::string, std::string> details;
  uint32_t flags = 0;
  call >> subject >> action >> details >> flags >> cancellation;
  Request request{subject.get<0>(), "", action, flags};
  auto name = subject.get<1>().find("name");
  if (name != subject.get<1>().end() && name->second.containsValueOfType<std::string>())
    request.subject_name = name->second.get<std::string>();
  Decision decision;
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (decisions_.count(action)) decision = decisions_[action];
    delay = delay_;
    if (unanswered_subjects_.count(request.subject_name)) return;
  }
  auto reply = [call, decision, this] {
    auto message = call.createReply();
    message << sdbus::Struct<bool, bool, std::map<std::string, std::string>>(
        decision.authorized, decision.challenge, {});
    message.send();
    driver_->schedule();
  };
  if (delay.count() == 0) {
    reply();
    return;
  }
  int timer = loop_->timer(reply);
  timers_.push_back(timer);
  loop_->arm(timer, delay);
}

SignalRecorder::SignalRecorder(const std::string& address) {
  connection_ = sdbus::createSessionBusConnectionWithAddress(address);
  auto rule = std::string("type='signal',sender='") + dbus_names::kBusName + "'";
  match_ = connection_->addMatch(rule, [this](sdbus::Message& message) {
    RecordedSignal signal;
    signal.interface = message.getInterfaceName();
    signal.member = message.getMemberName();
    signal.path = message.getPath();
    try {
      if (signal.member == "PropertiesChanged") {
        message >> signal.arg0 >> signal.values >> signal.invalidated;
        for (const auto& [name, value] : signal.values) signal.names.push_back(name);
        for (const auto& name : signal.invalidated) signal.names.push_back(name);
      } else if (signal.member == "InterfacesAdded") {
        sdbus::ObjectPath path;
        std::map<std::string, std::map<std::string, sdbus::Variant>> interfaces;
        message >> path >> interfaces;
        signal.arg0 = path;
        for (const auto& [name, properties] : interfaces) signal.names.push_back(name);
        if (interfaces.count(dbus_names::kContainerInterface))
          signal.values = interfaces[dbus_names::kContainerInterface];
      } else if (signal.member == "InterfacesRemoved") {
        sdbus::ObjectPath path;
        message >> path >> signal.names;
        signal.arg0 = path;
      } else if (signal.interface == dbus_names::kManagerInterface) {
        sdbus::ObjectPath path;
        message >> signal.arg0 >> path;
        signal.arg1 = path;
        if (signal.member == "ContainerExited")
          message >> signal.exit_code >> signal.exit_signal >> signal.oom_killed;
      }
    } catch (const sdbus::Error&) {
    }
    std::lock_guard lock(mutex_);
    signals_.push_back(std::move(signal));
    changed_.notify_all();
  });
  connection_->enterEventLoopAsync();
}

SignalRecorder::~SignalRecorder() {
  connection_->leaveEventLoop();
  match_.reset();
}

std::optional<RecordedSignal> SignalRecorder::wait_for(
    const std::function<bool(const RecordedSignal&)>& match, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<RecordedSignal> found;
  changed_.wait_for(lock, timeout, [&] {
    for (const auto& signal : signals_)
      if (match(signal)) {
        found = signal;
        return true;
      }
    return false;
  });
  return found;
}

std::vector<RecordedSignal> SignalRecorder::all() {
  std::lock_guard lock(mutex_);
  return signals_;
}

std::unique_ptr<sdbus::IConnection> client_connection(const std::string& address) {
  return sdbus::createSessionBusConnectionWithAddress(address);
}

std::unique_ptr<sdbus::IProxy> manager_proxy(sdbus::IConnection& connection) {
  return sdbus::createProxy(connection, dbus_names::kBusName, dbus_names::kManagerPath);
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          std::chrono::milliseconds timeout) {
  ProcessResult result;
  int out_fd = -1, err_fd = -1;
  pid_t pid = spawn(argv, env, &out_fd, &err_fd);
  if (pid < 0) return result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buffer[4096];
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
    }
  }
  for (auto& fd : fds)
    if (fd.fd >= 0) close(fd.fd);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  result.status = wait_exit(pid, std::max(left, 100ms));
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env) {
  pid_ = spawn(argv, env, &out_fd_, &err_fd_);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

void ChildProcess::pump(std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (poll(fds, 2, static_cast<int>(timeout.count())) <= 0) return;
  char buffer[4096];
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
    ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
    if (n <= 0) {
      close(i == 0 ? out_fd_ : err_fd_);
      (i == 0 ? out_fd_ : err_fd_) = -1;
      continue;
    }
    auto& partial = i == 0 ? out_partial_ : err_partial_;
    auto& lines = i == 0 ? out_lines_ : err_lines_;
    partial.append(buffer, static_cast<std::size_t>(n));
    for (auto end = partial.find('\n'); end != std::string::npos; end = partial.find('\n')) {
      lines.push_back(partial.substr(0, end));
      partial.erase(0, end + 1);
    }
  }
}

std::optional<std::string> ChildProcess::wait_for_line(const std::string& text, bool on_stderr,
                                                       std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t seen = 0;
  while (true) {
    const auto& lines = on_stderr ? err_lines_ : out_lines_;
    for (; seen < lines.size(); ++seen)
      if (lines[seen].find(text) != std::string::npos) return lines[seen];
    if (std::chrono::steady_clock::now() > deadline || (out_fd_ < 0 && err_fd_ < 0))
      return std::nullopt;
    pump(50ms);
  }
}

int ChildProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while ((out_fd_ >= 0 || err_fd_ >= 0) && std::chrono::steady_clock::now() < deadline) pump(50ms);
  int status = wait_exit(pid_, 5s);
  pid_ = -1;
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  out_fd_ = err_fd_ = -1;
  return status;
}

std::string trackerctl_path() {
  return TRACKERCTL_PATH;
}

}  // namespace tracker::testing
