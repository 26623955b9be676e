/* fork + execve + wait, N times: the load of the kernel-overhead benchmark
 * and of the fork/exec storm. Linked statically, so it also runs inside the
 * busybox test image (bind-mounted there).
 *
 *   spawn [-n ITERATIONS] [-p PROGRAM]      (default: 1000 iterations of /bin/true)
 *
 * Prints "iterations=N elapsed_ns=T ns_per_spawn=P cpu_ns=C failures=F" on stdout,
 * C being the user + system time of this process and its children. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char** argv) {
  long iterations = 1000;
  const char* program = "/bin/true";
  int opt;
  while ((opt = getopt(argc, argv, "n:p:")) != -1) {
    switch (opt) {
      case 'n':
        iterations = strtol(optarg, NULL, 10);
        break;
      case 'p':
        program = optarg;
        break;
      default:
        fprintf(stderr, "usage: %s [-n ITERATIONS] [-p PROGRAM]\n", argv[0]);
        return 2;
    }
  }
  if (iterations <= 0) {
    fprintf(stderr, "%s: ITERATIONS must be positive\n", argv[0]);
    return 2;
  }

  char* child_argv[] = {(char*)program, NULL};
  long failures = 0;
  long long start = now_ns();
  for (long i = 0; i < iterations; ++i) {
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return 1;
    }
    if (pid == 0) {
      execve(program, child_argv, environ);
      _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) {
      perror("waitpid");
      return 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
  }
  long long elapsed = now_ns() - start;
  long long cpu = 0;
  struct rusage usage;
  for (int who = 0; who < 2; ++who) {
    getrusage(who ? RUSAGE_CHILDREN : RUSAGE_SELF, &usage);
    cpu += (long long)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000LL +
           (long long)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000LL;
  }
  printf("iterations=%ld elapsed_ns=%lld ns_per_spawn=%lld cpu_ns=%lld failures=%ld\n", iterations,
         elapsed, elapsed / iterations, cpu, failures);
  return failures == iterations ? 1 : 0;
}
