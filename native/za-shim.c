/* za-shim: zombie-audit's reaper shim, a small init for containers.
 *
 *   za-shim [-g] [-k SECONDS] [-t SECONDS] [-m SIG] [-r FROM:TO]... [-v] [--] COMMAND [ARG]...
 *
 * Runs COMMAND as its child and, as PID 1 (or as a child subreaper when it is not PID 1):
 * - forwards every catchable signal it receives to the child (to the child's process group
 *   with -g), rewritten with -r;
 * - reaps every zombie it is handed;
 * - after forwarding a termination signal (TERM, INT, QUIT, HUP), SIGKILLs the child if it is
 *   still alive -k seconds later (default: never, like tini and dumb-init);
 * - when the child exits, sends SIGTERM to the processes still there and SIGKILLs what is left
 *   -t seconds later (default 5), so it does not exit while they are still writing;
 * - exits with the child's status: its exit code, or 128+n when it died of signal n; -m SIG
 *   maps a death by SIG (or exit 128+SIG) to 0;
 * - forwards the job-control signals to the child and never stops itself: TSTP, TTIN and TTOU
 *   as SIGSTOP (the kernel discards them in the container's orphaned init group), or as they
 *   are with -g, where the child has a group of its own; -v says what it does on stderr.
 * Exit codes of its own: 2 bad usage, 126 COMMAND not executable, 127 COMMAND not found,
 * 1 a failed system call before the child ran.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VERSION "0.1.0"
#define MAX_REWRITES 16

static int verbose, use_group, map_sig;
static long kill_after_ms = -1, grace_ms = 5000;
static int rewrite_from[MAX_REWRITES], rewrite_to[MAX_REWRITES], nrewrites;
static pid_t child;
static int is_pid1;

/* Messages are built with these few helpers, not printf: the binary stays small. */
struct msg { char buf[512]; size_t len; };

static void put(struct msg *m, const char *s) {
  while (*s && m->len < sizeof m->buf - 1) m->buf[m->len++] = *s++;
}

static void put_num(struct msg *m, long long n) {
  char tmp[24];
  int i = sizeof tmp;
  int neg = n < 0;
  unsigned long long u = neg ? (unsigned long long)(-n) : (unsigned long long)n;
  tmp[--i] = '\0';
  do { tmp[--i] = (char)('0' + u % 10); u /= 10; } while (u);
  if (neg) tmp[--i] = '-';
  put(m, tmp + i);
}

static void emit(struct msg *m) {
  m->buf[m->len++] = '\n';
  size_t off = 0;
  while (off < m->len) {
    ssize_t w = write(2, m->buf + off, m->len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return; /* stderr gone: nothing more to say */
    off += (size_t)w;
  }
}

#define SAY(...) do { if (verbose) { struct msg m_ = { .len = 0 }; put(&m_, "za-shim: "); __VA_ARGS__; emit(&m_); } } while (0)
#define S(x) put(&m_, x)
#define N(x) put_num(&m_, x)

static void fail(const char *what) {
  struct msg m = { .len = 0 };
  put(&m, "za-shim: "); put(&m, what); put(&m, ": "); put(&m, strerror(errno));
  emit(&m);
  exit(1);
}

static long long now_ms(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) fail("clock_gettime");
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *const NAMES[32] = {
  "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
  "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
  "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
};

/* a decimal number, or -1 */
static long parse_num(const char *s) {
  long n = 0;
  if (!*s) return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || n > 100000000L) return -1;
    n = n * 10 + (*s - '0');
  }
  return n;
}

/* "TERM", "SIGTERM" or "15" to a signal number; 0 when not a signal */
static int parse_signal(const char *s) {
  if (!strncmp(s, "SIG", 3)) s += 3;
  long n = parse_num(s);
  if (n >= 0) return n > 0 && n < NSIG ? (int)n : 0;
  for (int i = 1; i < (int)(sizeof NAMES / sizeof *NAMES); i++)
    if (!strcmp(s, NAMES[i])) return i;
  return 0;
}

/* "2", "0.5", "1.25" seconds to milliseconds; -2 when not a number of seconds up to a day */
static long parse_seconds(const char *s) {
  long ms = 0, scale = 1000;
  int digits = 0, dot = 0;
  for (; *s; s++) {
    if (*s == '.' && !dot) { dot = 1; continue; }
    if (*s < '0' || *s > '9') return -2;
    digits++;
    if (!dot) { ms = ms * 10 + (*s - '0') * 1000; if (ms > 86400000L) return -2; }
    else if (scale > 1) { scale /= 10; ms += (*s - '0') * scale; }
  }
  return digits ? ms : -2;
}

static void usage(void) {
  static const char text[] =
    "usage: za-shim [-g] [-k SECONDS] [-t SECONDS] [-m SIG] [-r FROM:TO]... [-v] [--] COMMAND [ARG]...\n"
    "  -g          forward signals to the child's whole process group\n"
    "  -k SECONDS  SIGKILL the child if still alive this long after a forwarded TERM/INT/QUIT/HUP\n"
    "  -t SECONDS  when the child exits, grace for the remaining processes before SIGKILL (default 5)\n"
    "  -m SIG      exit 0 when the child died of SIG (e.g. -m TERM)\n"
    "  -r FROM:TO  forward signal FROM as TO (e.g. -r TERM:QUIT), up to 16 times\n"
    "  -v          say what it does on stderr\n"
    "  -V          print the version\n";
  ssize_t w = write(2, text, sizeof text - 1);
  (void)w;
  exit(2);
}

static int parse_args(int argc, char **argv) {
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) return i + 1;
    if (!strcmp(a, "-g")) use_group = 1;
    else if (!strcmp(a, "-v")) verbose = 1;
    else if (!strcmp(a, "-V")) {
      static const char v[] = "za-shim " VERSION "\n";
      ssize_t w = write(1, v, sizeof v - 1);
      exit(w == (ssize_t)sizeof v - 1 ? 0 : 1);
    }
    else if (i + 1 >= argc) usage();
    else if (!strcmp(a, "-k")) { if ((kill_after_ms = parse_seconds(argv[++i])) < 0) usage(); }
    else if (!strcmp(a, "-t")) { if ((grace_ms = parse_seconds(argv[++i])) < 0) usage(); }
    else if (!strcmp(a, "-m")) { if (!(map_sig = parse_signal(argv[++i]))) usage(); }
    else if (!strcmp(a, "-r")) {
      char from[32];
      const char *colon = strchr(argv[++i], ':');
      if (!colon || colon - argv[i] >= (long)sizeof from || nrewrites == MAX_REWRITES) usage();
      memcpy(from, argv[i], (size_t)(colon - argv[i]));
      from[colon - argv[i]] = '\0';
      rewrite_from[nrewrites] = parse_signal(from);
      rewrite_to[nrewrites] = parse_signal(colon + 1);
      if (!rewrite_from[nrewrites] || !rewrite_to[nrewrites]) usage();
      nrewrites++;
    } else usage();
  }
  return i;
}

/* The signals the shim waits for: all but the ones the kernel sends for faults of its own. */
static void wait_set(sigset_t *set) {
  if (sigfillset(set) != 0) fail("sigfillset");
  int faults[] = { SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS };
  for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
    if (sigdelset(set, faults[i]) != 0) fail("sigdelset");
}

static pid_t spawn(char **cmd, const sigset_t *parent_mask) {
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid > 0) return pid;
  if (use_group) {
    if (setpgid(0, 0) != 0) fail("setpgid");
    if (isatty(STDIN_FILENO)) {
      /* become the terminal's foreground group, so Ctrl-C and Ctrl-Z reach it */
      signal(SIGTTOU, SIG_IGN);
      if (tcsetpgrp(STDIN_FILENO, getpgrp()) != 0 && errno != ENOTTY) fail("tcsetpgrp");
      signal(SIGTTOU, SIG_DFL);
    }
  }
  if (sigprocmask(SIG_SETMASK, parent_mask, NULL) != 0) fail("sigprocmask");
  execvp(cmd[0], cmd);
  int code = errno == ENOENT ? 127 : 126;
  struct msg m = { .len = 0 };
  put(&m, "za-shim: cannot run "); put(&m, cmd[0]); put(&m, ": "); put(&m, strerror(errno));
  emit(&m);
  _exit(code);
}

static int rewrite(int sig) {
  for (int i = 0; i < nrewrites; i++)
    if (rewrite_from[i] == sig) return rewrite_to[i];
  return sig;
}

static void forward(int sig) {
  int to = rewrite(sig);
  /* Ctrl-Z and friends: in the container's init group, which is orphaned, the kernel discards
   * TSTP/TTIN/TTOU; forward them as SIGSTOP so the child stops as a terminal user expects.
   * With -g the child has its own (not orphaned) group and gets them as they are. */
  if (!use_group && to == sig && (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)) to = SIGSTOP;
  pid_t target = use_group ? -child : child;
  if (kill(target, to) != 0 && errno != ESRCH) fail("kill");
  SAY(S("forwarded SIG"); S(NAMES[sig < 32 ? sig : 0]); if (to != sig) { S(" as SIG"); S(NAMES[to < 32 ? to : 0]); }
      S(use_group ? " to group " : " to pid "); N(child));
}

/* Reap every zombie; returns 1 once the main child is among them (its status in *status). */
static int reap(int *status) {
  int found = 0, st;
  pid_t pid;
  while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
    if (pid == child) { *status = st; found = 1; SAY(S("child "); N(pid); S(" exited")); }
    else SAY(S("reaped "); N(pid));
  }
  if (pid < 0 && errno != ECHILD) fail("waitpid");
  return found;
}

/* Whether processes other than the shim remain (zombies among them are reaped on the way). */
static int others_remain(void) {
  int st;
  pid_t r;
  while ((r = waitpid(-1, &st, WNOHANG)) > 0) SAY(S("reaped "); N(r));
  if (r < 0 && errno != ECHILD) fail("waitpid");
  if (r == 0) return 1;                 /* children of its own, still running */
  if (is_pid1) return kill(-1, 0) == 0; /* anything else left in the namespace */
  return 0;
}

struct linux_dirent64 { unsigned long long ino; long long off; unsigned short reclen; unsigned char type; char name[]; };

/* the parent pid in /proc/PID/stat (after the last ')'), or -1 */
static long ppid_of(const char *pid) {
  char path[48], buf[512];
  struct msg p = { .len = 0 };
  put(&p, "/proc/"); put(&p, pid); put(&p, "/stat");
  if (p.len >= sizeof path) return -1;
  memcpy(path, p.buf, p.len);
  path[p.len] = '\0';
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char *rp = strrchr(buf, ')');
  if (!rp || rp[1] != ' ' || !rp[2] || rp[3] != ' ') return -1;
  long v = 0;
  for (const char *q = rp + 4; *q >= '0' && *q <= '9'; q++) v = v * 10 + (*q - '0');
  return v;
}

/* A subreaper signals its own children (adopted orphans included), found in /proc. */
static void signal_children(int sig) {
  int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open /proc");
  pid_t self = getpid();
  char buf[4096];
  long n;
  while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
    for (long off = 0; off < n;) {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
      off += d->reclen;
      long pid = parse_num(d->name);
      if (pid > 0 && ppid_of(d->name) == self && kill((pid_t)pid, sig) != 0 && errno != ESRCH) fail("kill");
    }
  }
  if (n < 0) fail("getdents64 /proc");
  if (close(fd) != 0) fail("close /proc");
}

static void signal_others(int sig) {
  if (!is_pid1) { signal_children(sig); return; }
  /* as PID 1, -1 is every other process in the namespace */
  if (kill(-1, sig) != 0 && errno != ESRCH) fail("kill -1");
}

/* Wait for a signal for at most ms (forever when ms < 0). Returns the signal, 0 on timeout. */
static int next_signal(const sigset_t *set, long long ms) {
  struct timespec ts = { 0, 0 };
  if (ms >= 0) { ts.tv_sec = ms / 1000; ts.tv_nsec = (ms % 1000) * 1000000L; }
  for (;;) {
    int sig = ms < 0 ? sigwaitinfo(set, NULL) : sigtimedwait(set, NULL, &ts);
    if (sig > 0) return sig;
    if (errno == EAGAIN) return 0;
    if (errno != EINTR) fail("sigtimedwait");
  }
}

static int is_termination(int sig) {
  return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT || sig == SIGHUP;
}

/* The child is gone: give the rest SIGTERM and a grace period, then SIGKILL. Signals that
 * arrive meanwhile go to them. */
static void shutdown_others(const sigset_t *set) {
  if (!others_remain()) return;
  SAY(S("child gone, others remain: SIGTERM, then SIGKILL after "); N(grace_ms); S(" ms"));
  signal_others(SIGTERM);
  long long deadline = now_ms() + grace_ms;
  while (others_remain()) {
    long long left = deadline - now_ms();
    if (left <= 0) { SAY(S("grace over: SIGKILL")); signal_others(SIGKILL); break; }
    int sig = next_signal(set, left > 50 ? 50 : left);
    if (sig > 0 && sig != SIGCHLD) signal_others(rewrite(sig));
  }
  /* after SIGKILL: reap what dies, for at most 2 s (a process in D state may linger) */
  for (long long end = now_ms() + 2000; others_remain() && now_ms() < end;) next_signal(set, 20);
}

static int exit_code(int status) {
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    return map_sig && code == 128 + map_sig ? 0 : code;
  }
  if (WIFSIGNALED(status)) return map_sig && WTERMSIG(status) == map_sig ? 0 : 128 + WTERMSIG(status);
  return 1;
}

int main(int argc, char **argv) {
  int first = parse_args(argc, argv);
  if (first >= argc) usage();
  is_pid1 = getpid() == 1;
  if (!is_pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    /* an old kernel or an emulator: run on, but orphans will go to the real PID 1 */
    struct msg m = { .len = 0 };
    put(&m, "za-shim: warning: not PID 1 and cannot be a subreaper ("); put(&m, strerror(errno)); put(&m, "): orphans are not mine to reap");
    emit(&m);
  }
  sigset_t set, old;
  wait_set(&set);
  if (sigprocmask(SIG_BLOCK, &set, &old) != 0) fail("sigprocmask");
  child = spawn(argv + first, &old);
  SAY(S("started "); S(argv[first]); S(" as "); N(child); S(is_pid1 ? " (PID 1)" : " (subreaper)"));
  int status = 0;
  long long kill_at = -1;
  for (;;) {
    long long wait = -1;
    if (kill_at >= 0) wait = kill_at - now_ms() > 0 ? kill_at - now_ms() : 0;
    int sig = next_signal(&set, wait);
    if (sig == SIGCHLD) {
      if (reap(&status)) break;
    } else if (sig > 0) {
      forward(sig);
      if (is_termination(rewrite(sig)) && kill_after_ms >= 0 && kill_at < 0) kill_at = now_ms() + kill_after_ms;
    } else if (kill_at >= 0 && now_ms() >= kill_at) {
      SAY(S("child still alive "); N(kill_after_ms); S(" ms after the signal: SIGKILL"));
      if (kill(use_group ? -child : child, SIGKILL) != 0 && errno != ESRCH) fail("kill");
      kill_at = -1;
    }
  }
  shutdown_others(&set);
  int code = exit_code(status);
  SAY(S("exit "); N(code));
  return code;
}
