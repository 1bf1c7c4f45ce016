/**
 * The collector run inside the target by one `docker exec` (argv: /bin/sh -c SCRIPT).
 * It prints a ZA2 snapshot (native/FORMAT.md). Everything under /proc is hostile input: a
 * process chooses its own comm (which may hold a newline or ')') and its argv. So:
 * - the stat files are printed raw by one `head -q` between the markers `P` and `Q`; the parser
 *   frames each record itself: the kernel writes `PID (COMM) STATE` + 49 numbers, COMM is at most
 *   15 bytes, so the real closing parenthesis is the last one within 64 bytes of the opening
 *   one, and the record ends at the first newline after it (a comm's newline or `)` cannot move
 *   either);
 * - every line the script itself prints starts with a tag it wrote (`printf '%s'`, never `echo`,
 *   which interprets backslashes in dash); without `head`, stat files are read with `read` and
 *   each of their lines printed, the first as `S`, the others as `+` continuations;
 * - command lines are framed by length: `wc -c` gives each one's length, then `head -c 1024`
 *   prints them, and the parser takes exactly that many bytes after each header, so text
 *   inside a command line can never pass for a header (src/proc/snapshot.ts).
 * Nothing is forked per process (`head` and `wc` run a fixed number of times over globs) and
 * nothing is quadratic: no string grows with the process count. A shell's `read` takes one
 * byte per system call, and /proc regenerates a file on each call, so the shell reads as few
 * files itself as it can: PID 1's status, and up to 8 live children of PID 1 among the first 32
 * (from /proc/1/task/ * /children, read by head: a `read` of it is quadratic in its length).
 * The shell's own pid is excluded; nothing is written into the container.
 */
export const COLLECT_SCRIPT = String.raw`LC_ALL=C; export LC_ALL
cd /proc || exit 97
printf 'ZA2 sh\n'
H=; command -v head >/dev/null 2>&1 && H=1
W=; [ -n "$H" ] && command -v wc >/dev/null 2>&1 && W=1
read -r u < uptime && printf 'U %s\n' "$u"
[ -n "$H" ] && printf 'M %s\n' "$(head -n 1 sys/kernel/pid_max 2>/dev/null)"
if read -r a 2>/dev/null < /sys/fs/cgroup/pids.max && read -r b 2>/dev/null < /sys/fs/cgroup/pids.current; then printf 'L %s %s v2\n' "$a" "$b"
elif read -r a 2>/dev/null < /sys/fs/cgroup/pids/pids.max && read -r b 2>/dev/null < /sys/fs/cgroup/pids/pids.current; then printf 'L %s %s v1\n' "$a" "$b"; fi
printf 'X %s\n' "$$"
st() {
  [ -r "$1/status" ] || return 0
  while IFS= read -r l; do printf 'T %s %s\n' "$1" "$l"; done < "$1/status"
  w=; read -r w < "$1/wchan"; printf 'W %s %s\n' "$1" "$w"
  y=; read -r y < "$1/syscall" && printf 'Y %s %s\n' "$1" "$y"
} 2>/dev/null
live() {
  r=
  { while IFS= read -r l; do r=$l; done; } 2>/dev/null < "$1/stat" || return 1
  set -- ${"$"}{r##*) }
  [ -n "$1" ] && [ "$1" != Z ]
}
st 1
if [ -n "$H" ]; then
  n=0; k=0
  for c in $(head -q -c 400 1/task/*/children 2>/dev/null); do
    case $c in ''|*[!0-9]*) continue ;; esac
    k=$((k+1)); [ $k -gt 32 ] && break
    live "$c" || continue
    st "$c"; n=$((n+1)); [ $n -ge 8 ] && break
  done
  printf 'P\n'
  head -q -c 4096 [0-9]*/stat 2>/dev/null
  printf 'Q\n'
else
  n=0
  for d in [0-9]*; do
    [ "$d" = "$$" ] && continue
    r=; t=S
    { while IFS= read -r s; do printf '%s %s\n' "$t" "$s"; r=$s; t=+; done; } 2>/dev/null < "$d/stat" || continue
    [ "$t" = + ] || continue
    set -- ${"$"}{r##*) }
    [ "$2" = 1 ] && [ "$1" != Z ] && [ $n -lt 8 ] && n=$((n+1)) && st "$d"
  done
fi
printf 'B\n'
if [ -n "$W" ]; then
  set -- [0-9]*/cmdline
  wc -c "$@" /dev/null 2>/dev/null
  printf 'H\n'
  head -c 1024 "$@" /dev/null 2>/dev/null
  printf '\n'
fi
printf 'Z\n'
`;

/** argv for the exec: never a shell string built from user input (the script is a constant). */
export const COLLECT_ARGV = ['/bin/sh', '-c', COLLECT_SCRIPT];
