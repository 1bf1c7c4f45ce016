/**
 * The collector run inside the target by one `docker exec` (argv: /bin/sh -c SCRIPT).
 * It prints a ZA1 snapshot (native/FORMAT.md) using shell builtins only for the per-process
 * loop, so it does not depend on ps (busybox ps differs; slim images lack it) and forks nothing
 * per process. `head` (when present) prints sysctl values (sysctl files return EOF on reads at a
 * non-zero offset, which busybox's byte-at-a-time `read` does) and the cmdline blob in one process.
 * The shell's own pid is excluded; nothing is written into the container.
 */
export const COLLECT_SCRIPT = String.raw`cd /proc || exit 97
echo "ZA1 sh"
H=; command -v head >/dev/null 2>&1 && H=1
read -r u < uptime && echo "U $u"
[ -n "$H" ] && echo "M $(head -n 1 sys/kernel/pid_max 2>/dev/null)"
if read -r a 2>/dev/null < /sys/fs/cgroup/pids.max && read -r b 2>/dev/null < /sys/fs/cgroup/pids.current; then echo "L $a $b v2"
elif read -r a 2>/dev/null < /sys/fs/cgroup/pids/pids.max && read -r b 2>/dev/null < /sys/fs/cgroup/pids/pids.current; then echo "L $a $b v1"; fi
echo "X $$"
zp=" 1 "; live=""
add() { case $zp in *" $1 "*) ;; *) zp="$zp$1 " ;; esac; }
for d in [0-9]*; do
  [ "$d" = "$$" ] && continue
  read -r s 2>/dev/null < "$d/stat" || continue
  echo "S $s"
  r=${"$"}{s##*) }
  case $r in
    Z*) set -- $r; add "$2" ;;
    *) live="$live $d/cmdline"; set -- $r; [ "$2" = 1 ] && add "$d" ;;
  esac
done
for p in $zp; do
  [ -r "$p/status" ] || continue
  while IFS= read -r l; do echo "T $p $l"; done < "$p/status"
  w=; read -r w < "$p/wchan"; echo "W $p $w"
  y=; read -r y < "$p/syscall" && echo "Y $p $y"
done 2>/dev/null
echo B
[ -n "$H" ] && head -c 1024 $live /dev/null 2>/dev/null
echo
echo Z
`;

/** argv for the exec: never a shell string built from user input (the script is a constant). */
export const COLLECT_ARGV = ['/bin/sh', '-c', COLLECT_SCRIPT];
