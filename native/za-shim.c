/* za-shim: zombie-audit's reaper shim, a small init for containers (docs/za-shim.md).
 *
 *   za-shim [-g] [-k SECONDS] [-t SECONDS] [-m SIG] [-r FROM:TO]... [-e CODE]... [-p SIG]
 *           [-w] [-v]... [-s] [-c] [--] COMMAND [ARG]...
 *   za-shim -P          pause mode: no command; reap, exit 0 on TERM or INT
 *   za-shim -h | -l | -V | --version
 *
 * Runs COMMAND as its child, in a process group of its own that it makes the terminal's
 * foreground group (so a terminal's Ctrl-C reaches the child once, from the terminal), and as
 * PID 1 (or as a child subreaper when it is not PID 1):
 * - forwards every signal it is sent to the child (its group with -g), rewritten with -r
 *   (-r SIG:0 drops it); the fault signals (ILL TRAP ABRT BUS FPE SEGV SYS) too when si_code
 *   says someone sent them; its own SIGPIPE (from writing to a closed stderr) is not forwarded;
 * - reaps every zombie it is handed;
 * - after forwarding a termination signal (TERM, INT, QUIT, HUP), SIGKILLs the child if it is
 *   still alive -k seconds later (default: never, like tini and dumb-init);
 * - when the child exits, sends SIGTERM to every process still there (as a subreaper: its whole
 *   subtree, found in /proc), SIGKILLs what is left -t seconds later (default 5) and, not PID 1,
 *   keeps killing until no descendant is left;
 * - exits with the child's status: its code, or 128+n when it died of signal n; -e CODE maps
 *   CODE to 0, -m SIG maps a death by SIG (exit 128+SIG) to 0;
 * - when the child stops on TSTP/TTIN/TTOU and the shim is not PID 1, stops itself too, so the
 *   shell that started it gets its prompt back; on SIGCONT it hands the terminal back.
 * It keeps no inherited file descriptor >= 3 (the child gets them all, LISTEN_FDS sockets
 * included; LISTEN_PID is rewritten to the child's pid) and moves to / so it pins no directory.
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

#define VERSION "0.2.0"
#ifndef SRC_ID
#define SRC_ID "0000000"
#endif
#define MAX_REWRITES 16

static int verbosity = 1, use_group, map_sig, warn_reap, pause_mode, pdeath_sig;
static long kill_after_ms = -1, grace_ms = 5000;
static int rewrite_from[MAX_REWRITES], rewrite_to[MAX_REWRITES], nrewrites;
static unsigned expect[8]; /* -e: a bit per exit code 0-255 */
static pid_t child, self;
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

/* Write all of s to fd; 0 when the reader is gone (EPIPE: SIGPIPE is blocked, the shim's own
 * SIGPIPE is recognised and dropped in next_signal) or on another error. */
static int write_all(int fd, const char *s, size_t len) {
  while (len) {
    ssize_t w = write(fd, s, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return 0;
    s += w; len -= (size_t)w;
  }
  return 1;
}

static void emit(struct msg *m) {
  m->buf[m->len++] = '\n';
  /* stderr gone: say nothing more (the app runs on; tini would die of it) */
  if (!write_all(2, m->buf, m->len)) verbosity = -1;
}

#define SAY_AT(lvl, ...) do { if (verbosity >= (lvl)) { struct msg m_ = { .len = 0 }; put(&m_, "za-shim: "); __VA_ARGS__; emit(&m_); } } while (0)
#define SAY(...) SAY_AT(2, __VA_ARGS__)
#define S(x) put(&m_, x)
#define N(x) put_num(&m_, x)

static void fail(const char *what) {
  int e = errno;
  SAY_AT(0, S(what); S(": "); S(strerror(e)));
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
#define NAME(s) NAMES[(s) > 0 && (s) < 32 ? (s) : 0]

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
  for (int i = 1; i < 32; i++)
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

static const char USAGE[] =
  "usage: za-shim [OPTIONS] [--] COMMAND [ARG]...   or   za-shim -P\n"
  "  -g          forward signals to the child's process group (env TINI_KILL_PROCESS_GROUP)\n"
  "  -k SECONDS  SIGKILL the child if still alive this long after a forwarded TERM/INT/QUIT/HUP\n"
  "  -t SECONDS  when the child exits, grace for the remaining processes before SIGKILL (default 5)\n"
  "  -e CODE     exit 0 when the child's status is CODE (0-255), repeatable\n"
  "  -m SIG      exit 0 when the child died of SIG (e.g. -m TERM)\n"
  "  -r FROM:TO  forward signal FROM as TO (TO 0: do not forward), up to 16 times\n"
  "  -p SIG      get SIG (and forward it) when the shim's parent dies\n"
  "  -w          warn on stderr whenever it reaps a zombie\n"
  "  -v          say what it does on stderr (repeatable as in tini; env TINI_VERBOSITY=0-3)\n"
  "  -s, -c      accepted for tini/dumb-init compatibility (always a subreaper; one child)\n"
  "  -P          pause mode: no command, reap orphans, exit 0 on TERM or INT\n"
  "  -h          this help;  -l  license;  -V, --version  the version\n";

__attribute__((noreturn)) static void usage(void) {
  write_all(2, USAGE, sizeof USAGE - 1);
  exit(2);
}

__attribute__((noreturn)) static void out_exit(const char *s, size_t len) {
  exit(write_all(1, s, len) ? 0 : 1);
}
#define OUT(lit) out_exit(lit, sizeof lit - 1)

static int parse_args(int argc, char **argv) {
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) return i + 1;
    if (!strcmp(a, "--version")) a = "-V";
    if (!strcmp(a, "--help")) a = "-h";
    if (!strcmp(a, "--single-child")) a = "-c";
    if (!strcmp(a, "--verbose")) a = "-v";
    if (!strcmp(a, "--rewrite")) a = "-r";
    if (!a[1]) usage();
    /* flags without a value, combinable: -vv, -gw */
    if (strchr("gvwsclLhVP", a[1])) {
      for (const char *f = a + 1; *f; f++) {
        switch (*f) {
        case 'g': use_group = 1; break;
        case 'v': verbosity = verbosity < 2 ? 2 : verbosity + 1; break;
        case 'w': warn_reap = 1; break;
        case 's': case 'c': break;
        case 'P': pause_mode = 1; break;
        case 'h': out_exit(USAGE, sizeof USAGE - 1); break;
        case 'l': case 'L': OUT("za-shim " VERSION ", the reaper init of zombie-audit. MIT License.\n"
                                "Written anew; it shares no code with tini, dumb-init or catatonit.\n");
        /* one line docker info can parse (it knows tini's format only, as catatonit found) */
        case 'V': OUT("tini version " VERSION "_za-shim - git." SRC_ID "\n");
        default: usage();
        }
      }
      continue;
    }
    /* a flag with a value: "-e 3" or "-e3" */
    if (!a[2] && i + 1 >= argc) usage();
    const char *v = a[2] ? a + 2 : argv[++i];
    switch (a[1]) {
    case 'k': if ((kill_after_ms = parse_seconds(v)) < 0) usage(); break;
    case 't': if ((grace_ms = parse_seconds(v)) < 0) usage(); break;
    case 'm': if (!(map_sig = parse_signal(v))) usage(); break;
    case 'p': if (!(pdeath_sig = parse_signal(v))) usage(); break;
    case 'e': {
      long c = parse_num(v);
      if (c < 0 || c > 255) usage();
      expect[c / 32] |= 1u << (c % 32);
      break;
    }
    case 'r': {
      char from[32];
      const char *colon = strchr(v, ':');
      if (!colon || colon - v >= (long)sizeof from || nrewrites == MAX_REWRITES) usage();
      memcpy(from, v, (size_t)(colon - v));
      from[colon - v] = '\0';
      rewrite_from[nrewrites] = parse_signal(from);
      rewrite_to[nrewrites] = strcmp(colon + 1, "0") ? parse_signal(colon + 1) : 0;
      if (!rewrite_from[nrewrites] || (!rewrite_to[nrewrites] && strcmp(colon + 1, "0"))) usage();
      nrewrites++;
      break;
    }
    default: usage();
    }
  }
  return i;
}

/* LISTEN_PID=<the shim's pid> becomes the child's pid (socket activation, as catatonit does) */
static void rewrite_listen_pid(void) {
  static char buf[32];
  for (char **e = environ; *e; e++) {
    if (strncmp(*e, "LISTEN_PID=", 11) || parse_num(*e + 11) != self) continue;
    struct msg m = { .len = 0 };
    put(&m, "LISTEN_PID="); put_num(&m, getpid());
    memcpy(buf, m.buf, m.len);
    *e = buf;
  }
}

static pid_t spawn(char **cmd, const sigset_t *parent_mask) {
  /* the terminal goes to the child only if the shim has it (not when started in the background) */
  int fg = tcgetpgrp(STDIN_FILENO) == getpgrp();
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid > 0) {
    setpgid(pid, pid); /* also here: no race with a signal forwarded to the group */
    return pid;
  }
  /* A group of its own, made the terminal's foreground group: a terminal's Ctrl-C then goes to
   * the child's group only (once), and the shim forwards only what is sent to it. All signals
   * are still blocked here, so tcsetpgrp from the background raises no SIGTTOU. */
  setpgid(0, 0);
  if (fg) tcsetpgrp(STDIN_FILENO, getpid());
  rewrite_listen_pid();
  if (sigprocmask(SIG_SETMASK, parent_mask, NULL) != 0) fail("sigprocmask");
  execvp(cmd[0], cmd);
  int code = errno == ENOENT ? 127 : 126;
  int e = errno;
  SAY_AT(0, S("cannot run "); S(cmd[0]); S(": "); S(strerror(e)));
  _exit(code);
}

static int rewrite(int sig) {
  for (int i = 0; i < nrewrites; i++)
    if (rewrite_from[i] == sig) return rewrite_to[i];
  return sig;
}

static void forward(int sig) {
  int to = rewrite(sig);
  if (!to) { SAY(S("SIG"); S(NAME(sig)); S(" dropped (-r "); S(NAME(sig)); S(":0)")); return; }
  pid_t target = use_group ? -child : child;
  if (kill(target, to) != 0 && errno != ESRCH) fail("kill");
  SAY(S("forwarded SIG"); S(NAME(sig)); if (to != sig) { S(" as SIG"); S(NAME(to)); }
      S(use_group ? " to group " : " to pid "); N(child));
}

/* The main child stopped on a terminal's job-control signal. Not PID 1: stop too, so the shell
 * that started the shim sees a stopped job and takes the terminal back; once continued, give
 * the terminal (if it was given back to the shim) and a SIGCONT to the child's group. */
static void job_stopped(int sig) {
  if (is_pid1 || (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)) return;
  SAY(S("child stopped by SIG"); S(NAME(sig)); S(": stopping too"));
  kill(self, SIGSTOP);
  if (tcgetpgrp(STDIN_FILENO) == getpgrp()) tcsetpgrp(STDIN_FILENO, child);
  kill(-child, SIGCONT);
}

/* Reap every zombie; returns 1 once the main child is among them (its status in *status). */
static int reap(int *status) {
  int found = 0, st;
  pid_t pid;
  while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED)) > 0) {
    if (WIFSTOPPED(st)) { if (pid == child) job_stopped(WSTOPSIG(st)); continue; }
    if (pid == child) { *status = st; found = 1; SAY(S("child "); N(pid); S(" exited")); }
    else if (warn_reap) SAY_AT(0, S("reaped zombie process with pid="); N(pid));
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
  return 0;                             /* a subreaper with no child has no descendant */
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

/* A subreaper signals its whole subtree: every process whose chain of parents in /proc leads to
 * the shim (its children, adopted orphans, and their descendants). */
#define MAX_PROCS 8192
static int procs[MAX_PROCS][2]; /* pid, ppid; bss: pages are touched only when used */

static void signal_tree(int sig) {
  int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open /proc");
  int n = 0;
  char buf[4096];
  long got;
  while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
    for (long off = 0; off < got && n < MAX_PROCS;) {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
      off += d->reclen;
      long pid = parse_num(d->name);
      long ppid = pid > 0 ? ppid_of(d->name) : -1;
      if (ppid >= 0) { procs[n][0] = (int)pid; procs[n][1] = (int)ppid; n++; }
    }
  }
  close(fd);
  /* mark descendants (ppid := -1 once marked), until a pass marks none */
  int marked;
  do {
    marked = 0;
    for (int i = 0; i < n; i++) {
      if (procs[i][1] < 0) continue;
      int parent_in = procs[i][1] == self;
      for (int j = 0; j < n && !parent_in; j++) parent_in = procs[j][1] < 0 && procs[j][0] == procs[i][1];
      if (parent_in) { procs[i][1] = -1; marked = 1; }
    }
  } while (marked);
  for (int i = 0; i < n; i++)
    if (procs[i][1] < 0 && kill(procs[i][0], sig) != 0 && errno != ESRCH) fail("kill");
}

static void signal_others(int sig) {
  if (!is_pid1) { signal_tree(sig); return; }
  /* as PID 1, -1 is every other process in the namespace */
  if (kill(-1, sig) != 0 && errno != ESRCH) fail("kill -1");
}

/* Wait for a signal for at most ms (forever when ms < 0). Returns the signal, 0 on timeout.
 * Skipped: the shim's own SIGPIPE (a write to a closed stderr; the kernel sends it as SI_USER
 * from the writer), and fault signals the kernel raised (si_code > 0) rather than a sender. */
static int next_signal(const sigset_t *set, long long ms) {
  struct timespec ts = { 0, 0 };
  if (ms >= 0) { ts.tv_sec = ms / 1000; ts.tv_nsec = (ms % 1000) * 1000000L; }
  for (;;) {
    siginfo_t si;
    int sig = ms < 0 ? sigwaitinfo(set, &si) : sigtimedwait(set, &si, &ts);
    if (sig == SIGPIPE && si.si_code == SI_USER && si.si_pid == self) continue;
    if ((sig == SIGILL || sig == SIGTRAP || sig == SIGABRT || sig == SIGBUS || sig == SIGFPE || sig == SIGSEGV ||
         sig == SIGSYS) && si.si_code > 0 && si.si_code != SI_KERNEL) continue;
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
    if (left <= 0) {
      SAY(S("grace over: SIGKILL"));
      /* as PID 1, whatever is left dies with it; a subreaper kills until none is left, or
       * the survivors would go to the real PID 1 */
      long long end = is_pid1 ? now_ms() + 2000 : -1;
      while (others_remain() && (end < 0 || now_ms() < end)) {
        signal_others(SIGKILL);
        next_signal(set, 20);
      }
      return;
    }
    int sig = next_signal(set, left > 50 ? 50 : left);
    if (sig > 0 && sig != SIGCHLD && rewrite(sig)) signal_others(rewrite(sig));
  }
}

static int exit_code(int status) {
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
  if (map_sig && code == 128 + map_sig) return 0;
  return expect[code / 32 & 7] & 1u << (code % 32) ? 0 : code;
}

int main(int argc, char **argv) {
  const char *env = getenv("TINI_VERBOSITY");
  if (env && parse_num(env) >= 0) verbosity = (int)parse_num(env);
  if (getenv("TINI_KILL_PROCESS_GROUP")) use_group = 1;
  int first = parse_args(argc, argv);
  if (first >= argc && !pause_mode) usage();
  self = getpid();
  is_pid1 = self == 1;
  if (!is_pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    /* an old kernel or an emulator: run on, but orphans will go to the real PID 1 */
    int e = errno;
    SAY_AT(1, S("warning: not PID 1 and cannot be a subreaper ("); S(strerror(e)); S("): orphans are not mine to reap"));
  }
  if (pdeath_sig && prctl(PR_SET_PDEATHSIG, pdeath_sig, 0, 0, 0) != 0) fail("prctl PR_SET_PDEATHSIG");
  /* Every signal waits in the mask for sigwaitinfo, the fault ones too: a real fault of the
   * shim's own is forced on it by the kernel (blocked or not), a sent one is forwarded. */
  sigset_t set, old;
  if (sigfillset(&set) != 0 || sigprocmask(SIG_BLOCK, &set, &old) != 0) fail("sigprocmask");
  if (!pause_mode) {
    child = spawn(argv + first, &old);
    SAY(S("started "); S(argv[first]); S(" as "); N(child); S(is_pid1 ? " (PID 1)" : " (subreaper)"));
  }
  /* pin no directory, hold no inherited descriptor (a readiness pipe sees EOF when the child
   * closes it, not when the shim exits) */
  if (chdir("/") != 0) SAY(S("chdir /: "); S(strerror(errno)));
  if (syscall(SYS_close_range, 3, ~0U, 0) != 0)
    for (int fd = 3; fd < 4096; fd++) close(fd);
  int status = 0;
  long long kill_at = -1;
  for (;;) {
    long long wait = -1;
    if (kill_at >= 0) wait = kill_at - now_ms() > 0 ? kill_at - now_ms() : 0;
    int sig = next_signal(&set, wait);
    if (sig == SIGCHLD) {
      if (reap(&status) && !pause_mode) break;
    } else if (pause_mode) {
      if (sig == SIGTERM || sig == SIGINT) { SAY(S("pause: SIG"); S(NAME(sig)); S(", exit 0")); return 0; }
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
