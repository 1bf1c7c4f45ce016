/* za-proc: print a snapshot of /proc in the ZA2 format (native/FORMAT.md).
 *
 * /proc is hostile input: a process chooses its own comm (which may hold a newline or ')')
 * and its argv (any bytes). So every line printed starts with a tag written here (a newline
 * inside a stat file becomes a `+` continuation line) and a command line is printed as
 * `C <pid> <length>` followed by exactly that many raw bytes.
 *
 * Run inside a helper container that joins a target's PID namespace
 * (`--pid container:<id>`), it reads the target's processes without writing into the
 * target and without needing a shell or ps in the target's image. With --host, run
 * in the host's PID namespace, it also prints for each process its NSpid, the
 * container id from its cgroup and its pid namespace inode, so one pass covers every
 * container. Read only: it opens files under /proc and writes to stdout, nothing else.
 * Static, no dependencies; built with musl-gcc by native/build.sh.
 *
 * Probe modes (zombie-audit probe):
 *   --orphan MS  make one orphan in this PID namespace (a grandchild whose parent exits at
 *                once; it exits 200 ms later) and watch for MS milliseconds whether the
 *                namespace's PID 1 reaps it. Prints the lines of the orphan probe format
 *                (native/FORMAT.md). It leaves nothing but, where PID 1 never reaps, that
 *                one zombie.
 *   --every MS   print a full snapshot every MS milliseconds until stdout is gone (the
 *                watch command: one helper for the whole watch, no engine call per sample).
 *   --watch MS [SIG]  print every MS milliseconds one line `W <uptime> pid:state ...` for
 *                every process, until killed (it is, with everything else, when PID 1 exits).
 *                With SIG: after the first line, send SIG to PID 1, print `K <uptime>` (or
 *                `E <errno>`), then sample every millisecond for 2 s, every MS after. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUF 8192

struct proc { int pid; int ppid; char state; char ns_pid1; char *stat; };

static struct proc *procs;
static size_t nprocs, cap;
static int host_mode;
static long every_ms;
static int stdin_lease;
static void snapshot(void);
static void reset(void);

/* Read a whole small file into buf (NUL terminated). Returns bytes read or -1. */
static ssize_t read_file(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t got = 0;
  while (got < size - 1) {
    ssize_t n = read(fd, buf + got, size - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { close(fd); return -1; }
    if (n == 0) break;
    got += (size_t)n;
  }
  if (close(fd) != 0) return -1;
  buf[got] = '\0';
  return (ssize_t)got;
}

static void chomp(char *s) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void add_proc(int pid, const char *stat) {
  /* the name is in parentheses and may hold spaces and ')': split at the last ')' */
  const char *rp = strrchr(stat, ')');
  if (!rp || rp[1] != ' ') return;
  char state = rp[2];
  int ppid = atoi(rp + 4);
  if (nprocs == cap) {
    cap = cap ? cap * 2 : 1024;
    procs = realloc(procs, cap * sizeof *procs);
    if (!procs) die("realloc");
  }
  char *copy = strdup(stat);
  if (!copy) die("strdup");
  procs[nprocs++] = (struct proc){ pid, ppid, state, 0, copy };
}

static void print_simple(char tag, const char *path) {
  char buf[256];
  if (read_file(path, buf, sizeof buf) < 0) return;
  chomp(buf);
  printf("%c %s\n", tag, buf);
}

/* A stat line: a comm may hold newlines, each printed as a `+` continuation line. */
static void print_stat(const char *stat) {
  fputs("S ", stdout);
  for (const char *c = stat; *c; c++) {
    if (*c == '\n') fputs("\n+ ", stdout);
    else putchar(*c);
  }
  putchar('\n');
}

static void scan(void) {
  DIR *d = opendir("/proc");
  if (!d) die("opendir /proc");
  struct dirent *e;
  char path[64], buf[BUF];
  int self = getpid();
  /* errno is reset before every readdir: a read of a process that exited meanwhile sets it
   * (ENOENT, ESRCH), and must not pass for an error of readdir at the end of the scan */
  for (;;) {
    errno = 0;
    if ((e = readdir(d)) == NULL) break;
    if (!isdigit((unsigned char)e->d_name[0])) continue;
    int pid = atoi(e->d_name);
    if (pid == self) continue;
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (read_file(path, buf, sizeof buf) <= 0) continue; /* exited meanwhile */
    chomp(buf);
    add_proc(pid, buf);
  }
  if (errno != 0) die("readdir /proc");
  if (closedir(d) != 0) die("closedir");
}

/* flags indexed by pid: who has zombie children, who is PID 1 of a namespace */
enum { HAS_ZOMBIES = 1, NS_PID1 = 2 };
static unsigned char *flags;
static int max_pid;

static void index_flags(void) {
  int max = 0;
  for (size_t i = 0; i < nprocs; i++) if (procs[i].pid > max) max = procs[i].pid;
  max_pid = max;
  flags = calloc((size_t)max + 1, 1);
  if (!flags) die("calloc");
  for (size_t i = 0; i < nprocs; i++) {
    if (procs[i].ns_pid1) flags[procs[i].pid] |= NS_PID1;
    if (procs[i].state == 'Z' && procs[i].ppid > 0 && procs[i].ppid <= max) flags[procs[i].ppid] |= HAS_ZOMBIES;
  }
}

static int flag(int pid, int f) {
  return pid > 0 && pid <= max_pid && (flags[pid] & f);
}

static void print_status(int pid) {
  char path[64], buf[BUF];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  if (read_file(path, buf, sizeof buf) <= 0) return;
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
    printf("T %d %s\n", pid, line);
  snprintf(path, sizeof path, "/proc/%d/wchan", pid);
  if (read_file(path, buf, 256) >= 0) { chomp(buf); printf("W %d %s\n", pid, buf); }
  snprintf(path, sizeof path, "/proc/%d/syscall", pid);
  if (read_file(path, buf, 512) >= 0) { chomp(buf); printf("Y %d %s\n", pid, buf); }
}

/* host mode: the NSpid line of status, the docker container id of the cgroup, the pid ns inode */
static int print_host_lines(int pid) {
  char path[64], buf[BUF], link[128];
  int ns_pid1 = 0;
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  if (read_file(path, buf, sizeof buf) > 0) {
    char *l = strstr(buf, "\nNSpid:");
    if (l) {
      l += 7;
      char *end = strchr(l, '\n');
      if (end) *end = '\0';
      while (*l == '\t' || *l == ' ') l++;
      printf("N %d %s\n", pid, l);
      char *last = strrchr(l, '\t');
      ns_pid1 = atoi(last ? last + 1 : l) == 1;
    }
  }
  snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
  const char *id = "-";
  char idbuf[65];
  if (read_file(path, buf, sizeof buf) > 0) {
    char *p = strstr(buf, "docker/");
    size_t skip = 7;
    if (!p) { p = strstr(buf, "docker-"); skip = 7; }
    if (p && strspn(p + skip, "0123456789abcdef") >= 64) {
      memcpy(idbuf, p + skip, 64);
      idbuf[64] = '\0';
      id = idbuf;
    }
  }
  printf("G %d %s\n", pid, id);
  snprintf(path, sizeof path, "/proc/%d/ns/pid", pid);
  ssize_t n = readlink(path, link, sizeof link - 1);
  if (n > 0) {
    link[n] = '\0';
    char *lb = strchr(link, '[');
    printf("I %d %s\n", pid, lb ? lb + 1 : link);
  }
  return ns_pid1;
}

static void print_cmdlines(void) {
  char path[64], buf[1025];
  printf("B\n");
  for (size_t i = 0; i < nprocs; i++) {
    if (procs[i].state == 'Z') continue;
    snprintf(path, sizeof path, "/proc/%d/cmdline", procs[i].pid);
    ssize_t n = read_file(path, buf, sizeof buf);
    if (n < 0) continue;
    /* framed by length: the bytes are the process's own, and may be anything */
    printf("C %d %d\n", procs[i].pid, (int)n);
    if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) die("write");
    putchar('\n');
  }
}

static double uptime_now(void) {
  char buf[128];
  if (read_file("/proc/uptime", buf, sizeof buf) <= 0) return -1;
  return atof(buf);
}

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* the state letter and start time of pid, or 0 when it is gone */
static char proc_state(int pid, unsigned long long *start) {
  char path[64], buf[BUF];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  if (read_file(path, buf, sizeof buf) <= 0) return 0;
  const char *rp = strrchr(buf, ')');
  if (!rp || rp[1] != ' ') return 0;
  if (start) {
    const char *f = rp + 2;
    for (int i = 3; i < 22 && f; i++) { f = strchr(f, ' '); if (f) f++; }
    *start = f ? strtoull(f, NULL, 10) : 0;
  }
  return rp[2];
}

static int proc_ppid(int pid) {
  char path[64], buf[BUF];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  if (read_file(path, buf, sizeof buf) <= 0) return -1;
  const char *rp = strrchr(buf, ')');
  return rp && rp[1] == ' ' ? atoi(rp + 4) : -1;
}

static int orphan_probe(long timeout_ms) {
  int fds[2];
  if (pipe(fds) != 0) die("pipe");
  pid_t a = fork();
  if (a < 0) die("fork");
  if (a == 0) {
    pid_t b = fork();
    if (b < 0) _exit(1);
    if (b == 0) { close(fds[0]); close(fds[1]); sleep_ms(200); _exit(0); }
    if (write(fds[1], &b, sizeof b) != (ssize_t)sizeof b) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  pid_t b = 0;
  if (read(fds[0], &b, sizeof b) != (ssize_t)sizeof b) die("read orphan pid");
  close(fds[0]);
  int st;
  if (waitpid(a, &st, 0) != a) die("waitpid");
  unsigned long long start = 0, now_start = 0;
  char state = proc_state(b, &start);
  printf("O %d %.2f %d\n", (int)b, uptime_now(), proc_ppid(b));
  fflush(stdout);
  int zombie = 0;
  for (long waited = 0; waited <= timeout_ms + 200; waited += 10) {
    state = proc_state(b, &now_start);
    if (state == 0 || now_start != start) { printf("R %.2f\n", uptime_now()); return 0; }
    if (state == 'Z' && !zombie) { zombie = 1; printf("Z %.2f\n", uptime_now()); fflush(stdout); }
    sleep_ms(10);
  }
  printf("T %.2f\n", uptime_now());
  return 0;
}

static void sample(int self) {
  DIR *d = opendir("/proc");
  if (!d) die("opendir /proc");
  struct dirent *e;
  printf("W %.2f", uptime_now());
  for (;;) {
    errno = 0;
    if ((e = readdir(d)) == NULL) break;
    if (!isdigit((unsigned char)e->d_name[0])) continue;
    int pid = atoi(e->d_name);
    if (pid == self) continue;
    char state = proc_state(pid, NULL);
    if (state) printf(" %d:%c", pid, state);
  }
  closedir(d);
  printf("\n");
}

/* --stdin-lease: stdin is the attach stream of the CLI that started this helper (OpenStdin,
 * StdinOnce). The engine closes it when that client goes, however it ends (SIGKILL too): then
 * the helper exits, and does not keep reading /proc for nobody. Waits up to ms. */
static void wait_lease(long ms) {
  struct pollfd p = { 0, POLLIN, 0 };
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long left = ms - ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    if (left <= 0) return;
    int r = poll(&p, 1, (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) exit(0);
    if (r > 0) {
      char c[256];
      ssize_t n = read(0, c, sizeof c);
      if (n <= 0 && !(n < 0 && errno == EINTR)) exit(0); /* the CLI is gone */
    }
  }
}

static int watch(long every_ms, int sig) {
  int self = getpid();
  sample(self);
  if (sig > 0) {
    if (kill(1, sig) == 0) printf("K %.2f\n", uptime_now());
    else printf("E %d\n", errno);
  }
  if (fflush(stdout) != 0) return 0;
  for (long n = 0;; n++) {
    sleep_ms(sig > 0 && n < 2000 ? 1 : every_ms);
    sample(self);
    if (fflush(stdout) != 0) return 0;
  }
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--orphan") && i + 1 < argc) return orphan_probe(atol(argv[i + 1]));
    if (!strcmp(argv[i], "--watch") && i + 1 < argc) return watch(atol(argv[i + 1]), i + 2 < argc ? atoi(argv[i + 2]) : 0);
    if (!strcmp(argv[i], "--every") && i + 1 < argc) { every_ms = atol(argv[++i]); continue; }
    if (!strcmp(argv[i], "--host")) host_mode = 1;
    else if (!strcmp(argv[i], "--stdin-lease")) stdin_lease = 1;
    else if (!strcmp(argv[i], "--version")) { puts("za-proc ZA2"); return 0; }
    else { fprintf(stderr, "usage: za-proc [--host] [--every MS [--stdin-lease]] | --orphan MS | --watch MS [SIG]\n"); return 2; }
  }
  static char out[1 << 16];
  if (setvbuf(stdout, out, _IOFBF, sizeof out) != 0) die("setvbuf");
  if (every_ms > 0) {
    for (;;) {
      snapshot();
      if (stdin_lease) wait_lease(every_ms);
      else sleep_ms(every_ms);
    }
  }
  snapshot();
  return 0;
}

static void reset(void) {
  for (size_t i = 0; i < nprocs; i++) free(procs[i].stat);
  nprocs = 0;
  free(flags);
  flags = NULL;
  max_pid = 0;
}

static void snapshot(void) {
  reset();
  printf("ZA2 za-proc\n");
  print_simple('U', "/proc/uptime");
  print_simple('M', "/proc/sys/kernel/pid_max");
  /* no pids cgroup line: the helper's /sys/fs/cgroup is its own, not the target's */
  printf("X %d\n", (int)getpid());
  scan();
  for (size_t i = 0; i < nprocs; i++) print_stat(procs[i].stat);
  for (size_t i = 0; i < nprocs; i++)
    procs[i].ns_pid1 = host_mode ? print_host_lines(procs[i].pid) : procs[i].pid == 1;
  index_flags();
  /* the status of every namespace's PID 1, of its children (the app behind an init) and of
   * every zombie's parent: what the signal and reaping analysis reads */
  for (size_t i = 0; i < nprocs; i++) {
    struct proc *p = &procs[i];
    if (p->state == 'Z') continue;
    if (p->ns_pid1 || flag(p->ppid, NS_PID1) || flag(p->pid, HAS_ZOMBIES)) print_status(p->pid);
  }
  print_cmdlines();
  printf("Z\n");
  if (fflush(stdout) != 0) exit(0); /* the reader is gone: the watch ended */
}
