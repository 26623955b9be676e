// The D-Bus service on the real system bus, with the project's bus policy and
// polkit actions installed for the test, a real polkitd, root and an
// unprivileged test user. The service is tests/integration/dbus_test_server
// (DbusService over a fake backend): the daemon's own wiring is tested
// elsewhere.
//
// Needs root, the system bus (tests/fixtures/runtimes.sh start), polkitd
// (bus-activated), useradd and runuser. Under CI=true a missing one fails.

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness.h"

namespace tracker::testing {
namespace {

namespace fs = std::filesystem;

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value ? value : fallback;
}

const std::string kBusPolicy = "/etc/dbus-1/system.d/org.khulnasoft.Tracker1.conf";
const std::string kActions = "/usr/share/polkit-1/actions/org.khulnasoft.tracker1.policy";
const std::string kRule = "/etc/polkit-1/rules.d/10-tracker-itest.rules";

// A user and a group made for the test, removed after it.
class TestUser {
 public:
  TestUser() : name_("trkit" + std::to_string(getpid() % 100000)), group_(name_ + "g") {
    run_with_stderr("groupadd " + group_);
    ok_ = run_with_stderr("useradd --no-create-home --shell /usr/sbin/nologin -G " + group_ + " " +
                          name_)
              .status == 0;
  }
  ~TestUser() {
    run_with_stderr("userdel " + name_);
    run_with_stderr("groupdel " + group_);
  }
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  const std::string& group() const { return group_; }
  // `command` run as this user, stdin not a terminal (no interactive authorization).
  CommandResult run(const std::string& command) const {
    return run_with_stderr("runuser -u " + name_ + " -- " + command + " </dev/null");
  }

 private:
  std::string name_;
  std::string group_;
  bool ok_ = false;
};

// dbus_test_server owning org.khulnasoft.Tracker1, stopped by PID.
class TestServer {
 public:
  explicit TestServer(const std::string& run_as = "") {
    int out[2], in[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0) return;
    std::string binary = env_or("DBUS_TEST_SERVER_BIN", "dbus_test_server");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      dup2(out[1], STDERR_FILENO);
      if (run_as.empty())
        execl(binary.c_str(), binary.c_str(), static_cast<char*>(nullptr));
      else
        execlp("runuser", "runuser", "-u", run_as.c_str(), "--", binary.c_str(),
               static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    close(in[0]);
    out_ = out[0];
    in_ = in[1];
    pollfd fd{out_, POLLIN, 0};
    char buffer[1024];
    while (output_.find("READY\n") == std::string::npos && poll(&fd, 1, 10'000) > 0) {
      ssize_t n = read(out_, buffer, sizeof(buffer));
      if (n <= 0) break;
      output_.append(buffer, static_cast<std::size_t>(n));
    }
    ready_ = output_.find("READY\n") != std::string::npos;
  }
  ~TestServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status;
      waitpid(pid_, &status, 0);
    }
    if (in_ >= 0) close(in_);
    if (out_ >= 0) close(out_);
  }
  bool ready() const { return ready_; }
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  bool ready_ = false;
  std::string output_;
};

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" is not in:\n" << text;
}

std::string trackerctl() {
  return trackerctl_binary();
}

class DbusPolkitTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    policy_ =
        new InstalledFile(kBusPolicy, read_file(source_file("dbus/org.khulnasoft.Tracker1.conf")));
    actions_ = new InstalledFile(kActions,
                                 read_file(source_file("polkit/org.khulnasoft.tracker1.policy")));
    reload_bus_config();
  }
  static void TearDownTestSuite() {
    delete policy_;
    delete actions_;
    policy_ = actions_ = nullptr;
    reload_bus_config();
  }

  void SetUp() override {
    REQUIRE_PREREQUISITE(geteuid() == 0, "root");
    REQUIRE_PREREQUISITE(system_bus_answers(),
                         "the system bus (sudo tests/fixtures/runtimes.sh start)");
    REQUIRE_PREREQUISITE(!read_file(source_file("dbus/org.khulnasoft.Tracker1.conf")).empty(),
                         "the sources (TRACKER_SOURCE_ROOT)");
    REQUIRE_PREREQUISITE(command_succeeds("command -v useradd && command -v runuser"),
                         "useradd and runuser");
    // polkitd is bus-activated; this also waits until it has read our actions.
    bool polkit = false;
    for (int i = 0; i < 50 && !polkit; ++i) {
      polkit = command_succeeds("pkaction --action-id org.khulnasoft.tracker1.manage");
      if (!polkit) std::this_thread::sleep_for(100ms);
    }
    REQUIRE_PREREQUISITE(polkit, "polkitd on the system bus, with the tracker actions");
    REQUIRE_PREREQUISITE(
        !command_succeeds("busctl --system status org.khulnasoft.Tracker1 >/dev/null"),
        "org.khulnasoft.Tracker1 not owned by anyone else");
    user_ = std::make_unique<TestUser>();
    ASSERT_TRUE(user_->ok()) << "useradd failed";
    server_ = std::make_unique<TestServer>();
    ASSERT_TRUE(server_->ready()) << server_->output();
  }

  void TearDown() override {
    server_.reset();
    user_.reset();
  }

  static inline InstalledFile* policy_ = nullptr;
  static inline InstalledFile* actions_ = nullptr;
  std::unique_ptr<TestUser> user_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(DbusPolkitTest, TheActionsHaveTheDocumentedDefaults) {
  auto inspect = run_with_stderr("pkaction --verbose --action-id org.khulnasoft.tracker1.inspect");
  EXPECT_TRUE(contains(inspect.output, "implicit any:      auth_admin_keep"));
  EXPECT_TRUE(contains(inspect.output, "implicit active:   yes"));
  auto manage = run_with_stderr("pkaction --verbose --action-id org.khulnasoft.tracker1.manage");
  EXPECT_TRUE(contains(manage.output, "implicit any:      auth_admin_keep"));
  EXPECT_TRUE(contains(manage.output, "implicit active:   auth_admin_keep"));
}

TEST_F(DbusPolkitTest, RootMayDoEverything) {
  for (const char* command : {"containers", "container nginx", "runtimes", "status", "reload",
                              "enrichment off", "enrichment on"}) {
    auto result = run_with_stderr(trackerctl() + " --no-pager " + command);
    EXPECT_EQ(result.status, 0) << command << ": " << result.output;
  }
  auto list = run_with_stderr(trackerctl() + " --json containers");
  EXPECT_TRUE(contains(list.output, "\"nginx\""));
}

TEST_F(DbusPolkitTest, AnUnprivilegedUserIsDeniedByDefault) {
  // Without logind no session is active: allow_any (auth_admin_keep) applies,
  // and there is nobody to type a password.
  for (const char* command : {"containers", "container nginx", "runtimes"}) {
    auto result = user_->run(trackerctl() + " " + command);
    EXPECT_EQ(result.status, 4) << command << ": " << result.output;
    EXPECT_TRUE(
        contains(result.output, "requires the org.khulnasoft.tracker1.inspect authorization"));
  }
  auto reload = user_->run(trackerctl() + " reload");
  EXPECT_EQ(reload.status, 4) << reload.output;
  auto set = user_->run(trackerctl() + " enrichment off");
  EXPECT_EQ(set.status, 4) << set.output;
  EXPECT_TRUE(contains(set.output,
                       "Access denied: SetEnrichment requires the "
                       "org.khulnasoft.tracker1.manage authorization"));
  // Enrichment stayed on.
  EXPECT_EQ(run_with_stderr(trackerctl() + " enrichment").output, "on");
}

TEST_F(DbusPolkitTest, AtATerminalTheUserIsAskedForAPassword) {
  REQUIRE_PREREQUISITE(command_succeeds("command -v script && test -x /usr/bin/pkttyagent"),
                       "script(1) and pkttyagent");
  // trackerctl on a terminal allows interactive authorization and starts
  // pkttyagent for itself: polkit asks for root's password there. A wrong
  // one is typed (again and again, whenever the prompt comes).
  auto typed = user_->run(
      "sh -c 'for i in $(seq 40); do sleep 0.25; echo not-the-password; done | "
      "script -qec \"" +
      trackerctl() + " reload\" /dev/null'");
  EXPECT_EQ(typed.status, 4) << typed.output;
  EXPECT_TRUE(contains(typed.output, "AUTHENTICATING FOR org.khulnasoft.tracker1.manage"));
  EXPECT_TRUE(contains(typed.output, "Authentication is required to change how tracker runs."));
  EXPECT_TRUE(contains(typed.output,
                       "Access denied: Reload requires the "
                       "org.khulnasoft.tracker1.manage authorization"));
  // --no-ask-password: no agent, no prompt, and polkit's challenge is named.
  auto quiet =
      user_->run("script -qec \"" + trackerctl() + " --no-ask-password reload\" /dev/null");
  EXPECT_EQ(quiet.status, 4) << quiet.output;
  EXPECT_FALSE(contains(quiet.output, "AUTHENTICATING"));
  EXPECT_TRUE(contains(quiet.output, "did not allow interactive authorization"));
}

TEST_F(DbusPolkitTest, TheBusLetsTheUserCallAndPolkitDecides) {
  // Public: the Manager's properties.
  auto version = user_->run(
      "busctl --system get-property org.khulnasoft.Tracker1 /org/khulnasoft/Tracker1 "
      "org.khulnasoft.Tracker1.Manager Version");
  EXPECT_EQ(version.status, 0) << version.output;
  EXPECT_TRUE(contains(version.output, "0.1.0-test"));
  // The call reaches the service (no "Rejected send message" from the bus),
  // which refuses it after asking polkit.
  auto call = user_->run(
      "dbus-send --system --print-reply --dest=org.khulnasoft.Tracker1 /org/khulnasoft/Tracker1 "
      "org.khulnasoft.Tracker1.Manager.SetEnrichment boolean:false");
  EXPECT_NE(call.status, 0);
  EXPECT_TRUE(contains(call.output,
                       "org.freedesktop.DBus.Error.AccessDenied: Not authorized for "
                       "org.khulnasoft.tracker1.manage"));
  // Container properties need inspect.
  Json::Value container;
  std::istringstream(run(trackerctl() + " --json container nginx").output) >> container;
  auto path = container["objectPath"].asString();
  ASSERT_EQ(path.rfind("/org/khulnasoft/Tracker1/container/", 0), 0u) << path;
  auto name = user_->run("dbus-send --system --print-reply --dest=org.khulnasoft.Tracker1 " + path +
                         " org.freedesktop.DBus.Properties.Get "
                         "string:org.khulnasoft.Tracker1.Container string:Name");
  EXPECT_NE(name.status, 0);
  EXPECT_TRUE(contains(name.output,
                       "AccessDenied: Reading container properties requires the "
                       "org.khulnasoft.tracker1.inspect authorization"));
}

TEST_F(DbusPolkitTest, OnlyRootMayOwnTheName) {
  server_.reset();
  TestServer as_user(user_->name());
  EXPECT_FALSE(as_user.ready());
  EXPECT_TRUE(contains(as_user.output(), "cannot own org.khulnasoft.Tracker1"));
}

TEST_F(DbusPolkitTest, ARuleForTheUsersGroupGrantsBoth) {
  InstalledFile rule(kRule,
                     "polkit.addRule(function(action, subject) {\n"
                     "  if (action.id.indexOf(\"org.khulnasoft.tracker1.\") == 0 &&\n"
                     "      subject.isInGroup(\"" +
                         user_->group() +
                         "\"))\n"
                         "    return polkit.Result.YES;\n"
                         "});\n");
  // polkitd notices new rules by itself, a moment later.
  CommandResult list;
  for (int i = 0; i < 100; ++i) {
    list = user_->run(trackerctl() + " --json containers");
    if (list.status == 0) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(list.status, 0) << list.output;
  EXPECT_TRUE(contains(list.output, "\"nginx\""));
  for (const char* command :
       {"container nginx", "runtimes", "status", "reload", "enrichment off"}) {
    auto result = user_->run(trackerctl() + " " + command);
    EXPECT_EQ(result.status, 0) << command << ": " << result.output;
  }
  EXPECT_EQ(run_with_stderr(trackerctl() + " enrichment").output, "off");
  EXPECT_TRUE(contains(user_->run(trackerctl() + " container nginx").output,
                       "Image: docker.io/library/nginx:1.25"));
}

}  // namespace
}  // namespace tracker::testing
