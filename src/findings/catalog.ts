import type { Severity } from './model.js';

/** Metadata for every finding id: the renderers (SARIF rules) and the doc pages use it. */
export interface RuleMeta {
  id: string;
  /** a short kebab-case name */
  name: string;
  severity: Severity;
  /** one-line description */
  title: string;
}

export const RULES: readonly RuleMeta[] = [
  { id: 'ZA101', name: 'zombies-unreaped-by-pid1', severity: 'error',
    title: 'Zombies whose parent is PID 1: PID 1 does not reap the processes it is handed' },
  { id: 'ZA102', name: 'zombies-held-by-process', severity: 'warning',
    title: 'Zombies whose parent is a live process that never waits for them' },
  { id: 'ZA103', name: 'pid-limit-headroom', severity: 'warning',
    title: 'The container is close to its PID limit: it will soon fail to fork' },
  { id: 'ZA201', name: 'stop-signal-dropped', severity: 'error',
    title: 'PID 1 drops the stop signal: docker stop waits out the grace period and kills (exit 137)' },
  { id: 'ZA202', name: 'shell-is-pid1', severity: 'warning',
    title: 'A shell is PID 1: it neither forwards signals to the app nor reaps like an init' },
  { id: 'ZA203', name: 'pid1-not-an-init', severity: 'warning',
    title: 'PID 1 is an application with no SIGCHLD handler: orphans handed to it may stay zombies' },
  { id: 'ZA204', name: 'child-ignores-stop-signal', severity: 'error',
    title: 'The init forwards the stop signal, but the app ignores it: docker stop kills it (exit 137)' },
  { id: 'ZA205', name: 'signals-dropped', severity: 'info',
    title: 'PID 1 drops some signals (INT, HUP, QUIT): Ctrl-C or reload requests do nothing' },
  { id: 'ZA301', name: 'orphan-not-reaped', severity: 'error',
    title: "Proven: an orphan handed to PID 1 stays a zombie (the probe's own orphan)" },
  { id: 'ZA302', name: 'stop-signal-not-acted-on', severity: 'error',
    title: 'Proven: the stop signal does nothing; docker stop waits the grace period and kills (exit 137)' },
  { id: 'ZA303', name: 'children-killed-without-signal', severity: 'warning',
    title: 'Proven: PID 1 exits while other processes still run; the kernel SIGKILLs them without a signal of their own' },
  { id: 'ZA304', name: 'signal-ignored', severity: 'info',
    title: 'Proven: a signal other than the stop signal (INT, HUP, QUIT) does nothing' },
  { id: 'ZA305', name: 'sandbox-failed', severity: 'info',
    title: 'The shutdown test could not run: the sandbox copy did not stay up' },
  { id: 'ZA306', name: 'dies-of-stop-signal', severity: 'info',
    title: 'The app stops by dying of the stop signal (exit 128+n): nothing drains in-flight work' },
  { id: 'ZL001', name: 'input-unreadable', severity: 'warning',
    title: 'An input file lint cannot read: a syntax error (with its line), no FROM, or a kind lint does not lint' },
  { id: 'ZL002', name: 'windows-image', severity: 'info',
    title: 'A Windows image: Linux PID 1 rules do not apply, the file is skipped' },
  { id: 'ZL101', name: 'shell-form', severity: 'error',
    title: 'A lone command run by sh -c (shell form) that this image\'s /bin/sh does not exec: the shell stays PID 1 (dash on Debian/Ubuntu)' },
  { id: 'ZL102', name: 'shell-stays-pid1', severity: 'error',
    title: 'sh -c with several commands that this image\'s /bin/sh does not exec into: the shell stays PID 1, drops TERM and does not forward it' },
  { id: 'ZL103', name: 'entrypoint-script-no-exec', severity: 'error',
    title: 'The entrypoint script does not exec its final command: the script stays PID 1' },
  { id: 'ZL104', name: 'background-without-init', severity: 'error',
    title: 'Background processes (&) with no init to reap them or to pass them the stop signal' },
  { id: 'ZL105', name: 'no-init', severity: 'info',
    title: 'No init in front of the app: orphans go to the app, and it must handle TERM itself' },
  { id: 'ZL106', name: 'stop-signal-not-trapped', severity: 'warning',
    title: 'The script traps signals but not the stop signal, which is dropped while it is PID 1' },
  { id: 'ZL107', name: 'init-installed-not-used', severity: 'info',
    title: 'An init is installed or copied into the image but is not PID 1' },
  { id: 'ZL108', name: 'daemon-before-exec', severity: 'error',
    title: 'A daemon is started (nginx, service x start) and left running before the final command: it never gets the stop signal' },
  { id: 'ZL109', name: 'wrapper-stays-pid1', severity: 'error',
    title: 'npm/yarn/pnpm start or conda run stays in front of the app: on TERM it exits without waiting, the app is SIGKILLed unsignalled' },
  { id: 'ZL110', name: 'no-shell', severity: 'error',
    title: 'Shell form (or sh -c) in an image with no /bin/sh (distroless, scratch): the container cannot start' },
  { id: 'ZL201', name: 'init-disabled', severity: 'warning',
    title: 'compose init: false turns off the engine\'s init' },
  { id: 'ZL202', name: 'grace-period-too-short', severity: 'warning',
    title: 'stop_grace_period / terminationGracePeriodSeconds too short for a graceful stop' },
  { id: 'ZL203', name: 'shared-pid-namespace-init', severity: 'warning',
    title: 'shareProcessNamespace: the pause process is PID 1, so an init in the container is not (tini needs -s)' },
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function rule(id: string): RuleMeta {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`unknown finding id ${id}`);
  return r;
}

/** Where the doc page of a finding id lives, relative to the package root. */
export function docPath(id: string): string {
  return `docs/findings/${id}.md`;
}
