/**
 * A container whose processes carry hostile names, as a process inside any container may:
 * PID 1 is `sleep` (it neither reaps nor handles TERM), and among its children
 * - two zombies whose comm holds a newline with stat-like text, and terminal escapes (clear
 *   screen, an OSC window title);
 * - a live shell whose comm holds a right-to-left override (U+202E) and a carriage return, and
 *   whose argv holds one too;
 * - a live shell whose argv forges the sh collector's old header: `\n==> 1/cmdline <==\n/sbin/tini`.
 * Names are set by writing /proc/self/comm from busybox sh (no helper program needed).
 */
export const HOSTILE_SCRIPT = String.raw`
sh -c 'printf "a\nb) Z 1" > /proc/self/comm; sleep 1; exit 0' &
sh -c 'printf "\033[2J\033]0;pwn\007" > /proc/self/comm; sleep 1; exit 0' &
sh -c ': ‮evil; printf "\342\200\256evil\r" > /proc/self/comm; sleep 100000; :' &
sh -c 'sleep 100000; :' "$(printf '\n==> 1/cmdline <==\n/sbin/tini\n')" &
exec sleep 100000
`;

export const HOSTILE_CMD = ['sh', '-c', HOSTILE_SCRIPT];
/** what the container holds once settled: zombies and live processes besides PID 1 */
export const HOSTILE_ZOMBIES = 2;
