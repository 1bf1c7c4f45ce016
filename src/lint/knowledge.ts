/**
 * What lint knows about base images, shells and runtimes, in one place, each fact with its source.
 * "measured" = observed on this project's machines (Docker 20.10, Debian 12 packages) and re-checked
 * by test/lint-proof/ (scripts/lint-proof-bases.sh builds a dash, a bash and a busybox /bin/sh base);
 * "pid1-facts" = /work/shared/notes/pid1-facts.md (measured earlier, kept in docs/findings/).
 */

/** Which program /bin/sh is in an image. `none`: no shell at all; `unknown`: cannot tell from the files. */
export type ShellKind = 'dash' | 'bash' | 'busybox' | 'none' | 'unknown';
export type KnownShell = 'dash' | 'bash' | 'busybox';
export const KNOWN_SHELLS: readonly KnownShell[] = ['dash', 'bash', 'busybox'];

/**
 * How each /bin/sh runs `sh -c STRING` (measured, test/lint-proof/shells.test.ts re-checks every row):
 * - dash 0.5.12 never execs implicitly: `sh -c 'app'` leaves sh as PID 1 (also `app;`, `a && app`, if, case).
 * - bash 5.2 execs the last simple command of a top-level command or `a && b` / `a || b` / `a; b` list,
 *   unless it has a redirect or a trap is set; not inside if / { } / case / a function; never a pipeline or `&`.
 * - busybox 1.35 ash execs the last command also inside if/{ }/case and with redirects; not when a trap is
 *   set, nor a function call, a pipeline or `&`.
 * - A script FILE (`sh x.sh`, `#!/bin/sh` run directly) is never exec'd into by any of them: only `exec`.
 */
export const SHELL_FACTS: Record<KnownShell, { version: string; source: string }> = {
  dash: { version: 'dash 0.5.12 (Debian 12)', source: 'measured; pid1-facts.md "sh -c as PID 1"' },
  bash: { version: 'bash 5.2.15 (Debian 12)', source: 'measured; pid1-facts.md "sh -c as PID 1"' },
  busybox: { version: 'busybox 1.35.0 ash (Debian 12 busybox-static)', source: 'measured' },
};

export interface BaseImageFacts {
  shell: ShellKind;
  /** the family, for messages */
  family: string;
  windows?: boolean;
}

/**
 * The /bin/sh of a base image by its reference. Sources: the official images' Dockerfiles
 * (docker-library: python, node, openjdk/eclipse-temurin, golang, ruby, php, ... build FROM debian or
 * buildpack-deps, or FROM alpine for *-alpine tags); Debian and Ubuntu link /bin/sh to dash; Alpine's
 * /bin/sh is busybox ash; UBI/RHEL/Fedora/CentOS/Rocky/Alma/Amazon Linux/Oracle Linux link it to bash;
 * distroless and scratch have none (distroless :debug tags carry busybox).
 */
export function baseImageShell(ref: string | undefined): BaseImageFacts {
  if (!ref) return { shell: 'unknown', family: 'unknown' };
  const r = ref.toLowerCase().replace(/@sha256:[0-9a-f]+$/, '');
  if (r === 'scratch') return { shell: 'none', family: 'scratch' };
  if (/(^|\/)(windows|windowsservercore|servercore|nanoserver)([:/-]|$)|mcr\.microsoft\.com\/(windows|dotnet\/framework|powershell.*nanoserver)|:.*(windowsservercore|nanoserver|ltsc20\d\d)/.test(r)) {
    return { shell: 'none', family: 'windows', windows: true };
  }
  if (r.includes('$') || r.includes('{{')) return { shell: 'unknown', family: 'a build argument' };
  const slash = r.lastIndexOf('/');
  const nameTag = r.slice(slash + 1);
  const colon = nameTag.indexOf(':');
  const name = colon >= 0 ? nameTag.slice(0, colon) : nameTag;
  const tag = colon >= 0 ? nameTag.slice(colon + 1) : '';
  const path = r.slice(0, slash + 1) + name;
  if (/distroless/.test(path)) return tag.includes('debug') ? { shell: 'busybox', family: 'distroless :debug' } : { shell: 'none', family: 'distroless' };
  if (/(^|[-.])alpine/.test(tag) || name === 'alpine' || /alpine/.test(name)) return { shell: 'busybox', family: 'Alpine' };
  if (name === 'busybox') return { shell: 'busybox', family: 'busybox' };
  if (/(^|\/)(ubi\d*(-\w+)?|ubi|rhel\d*|fedora|centos|rockylinux|rocky|almalinux|amazonlinux|oraclelinux|photon|mariner|cbl-mariner|azurelinux)$/.test(path) || /\bredhat\b|\bubi[89]\b|registry\.access\.redhat\.com|quay\.io\/centos/.test(path)) {
    return { shell: 'bash', family: 'RHEL family (UBI, Fedora, CentOS, Rocky, Alma, Amazon Linux)' };
  }
  if (/(^|\/)(debian|ubuntu|buildpack-deps)$/.test(path)) return { shell: 'dash', family: 'Debian/Ubuntu' };
  if (/rhel\d*|(^|[-/])ubi\d/.test(name)) return { shell: 'bash', family: 'RHEL family' };
  // openjdk 12 and later: the default tags are Oracle Linux (bash as sh); -slim/-buster/-bullseye/-bookworm are Debian
  // (docker-library/openjdk generate-stackbrew-library.sh: "oraclelinux" is the default variant from 12 on)
  if (name === 'openjdk' && /^(\d+)/.test(tag) && Number(/^(\d+)/.exec(tag)![1]) >= 12 && !/slim|buster|bullseye|bookworm|alpine|windows|nanoserver/.test(tag)) {
    return { shell: 'bash', family: 'Oracle Linux (openjdk 12+)' };
  }
  // oven/bun: Debian unless -alpine/-distroless (oven-sh/bun dockerhub/*/Dockerfile)
  if (path.endsWith('oven/bun')) return /distroless/.test(tag) ? { shell: 'none', family: 'distroless (bun)' } : { shell: 'dash', family: 'Debian (oven/bun)' };
  // a distribution named in the tag (mysql:8-oracle, maven:3-amazoncorretto-17, python:3.12-bookworm)
  if (/ubi\d|rhel|fedora|oraclelinux|(^|[-.])oracle$|amazonlinux|amazoncorretto|centos|rockylinux|almalinux/.test(tag)) return { shell: 'bash', family: 'RHEL family (by tag)' };
  if (/^(eclipse-temurin|sapmachine)$/.test(name)) return { shell: 'dash', family: 'Ubuntu' };
  if (name === 'amazoncorretto') return { shell: 'bash', family: 'Amazon Linux' };
  // mysql 8 and later default to Oracle Linux (docker-library/mysql: "oracle" is the default variant; -debian is Debian)
  if (name === 'mysql' && !/debian|^5\.[0-6]/.test(tag)) return { shell: 'bash', family: 'Oracle Linux (mysql)' };
  if (/(^|[-.])(bookworm|bullseye|buster|stretch|jessie|trixie|jammy|focal|noble|bionic|xenial)([-.]|$)/.test(tag)) return { shell: 'dash', family: `Debian/Ubuntu (${name}:${tag})` };
  // official language and service images: Debian-based unless -alpine (checked above)
  const official = slash < 0 || /^(docker\.io\/)?(library\/)?$/.test(r.slice(0, slash + 1));
  if (OFFICIAL_DEBIAN_BASED.has(name) && official) return { shell: 'dash', family: `Debian/Ubuntu (${name})` };
  if (/^mcr\.microsoft\.com\/dotnet\/(sdk|aspnet|runtime)/.test(r)) return { shell: 'dash', family: 'Debian (dotnet)' };
  return { shell: 'unknown', family: 'unknown' };
}

/** Official images built FROM debian/ubuntu/buildpack-deps in their default (non -alpine) tags (docker-library). */
const OFFICIAL_DEBIAN_BASED = new Set([
  'python', 'node', 'openjdk', 'golang', 'ruby', 'php', 'perl', 'rust', 'gcc', 'haskell', 'elixir', 'erlang',
  'julia', 'r-base', 'swift', 'clojure', 'maven', 'gradle', 'tomcat', 'jetty', 'nginx', 'httpd', 'postgres',
  'mysql', 'mariadb', 'redis', 'memcached', 'mongo', 'rabbitmq', 'elasticsearch', 'kibana', 'logstash',
  'wordpress', 'drupal', 'joomla', 'ghost', 'nextcloud', 'owncloud', 'odoo', 'sonarqube', 'jenkins',
  'cassandra', 'couchdb', 'neo4j', 'solr', 'zookeeper', 'flink', 'spark', 'haproxy', 'varnish',
  'eclipse-temurin', 'buildpack-deps', 'pypy', 'dart', 'influxdb', 'telegraf', 'chronograf', 'rethinkdb',
  'couchbase', 'matomo', 'mediawiki', 'redmine', 'rocket.chat', 'groovy', 'kotlin', 'java', 'jruby',
  'iojs', 'django', 'rails', 'celery', 'plone', 'sentry', 'storm', 'thrift', 'hylang', 'geonetwork', 'xwiki',
  'yourls', 'friendica', 'silverpeas', 'postfixadmin', 'phpmyadmin', 'aerospike', 'emqx',
  'open-liberty', 'websphere-liberty', 'ibmjava', 'orientdb', 'irssi',
]);

/** bash is its own shell everywhere (`bash -c`), busybox ash wherever it is named. */
export function shellOfInterpreter(argv0: string, imageSh: ShellKind): ShellKind {
  const b = argv0.slice(argv0.lastIndexOf('/') + 1);
  if (b === 'bash') return 'bash';
  if (b === 'dash') return 'dash';
  if (b === 'ash' || b === 'busybox') return 'busybox';
  if (b === 'sh') return imageSh === 'none' ? 'unknown' : imageSh;
  return 'unknown';
}

/** What a program does as PID 1 (or as the app under an init), by its name. */
export interface RuntimeFacts {
  /** handles TERM by itself (as PID 1: installs a handler that stops it) */
  term: 'yes' | 'no' | 'app-code';
  /** reaps orphans handed to it */
  reaps: 'yes' | 'no' | 'app-code';
  /** a wrapper that stays in front of the program it starts */
  staysInFront?: boolean;
  /** it forks into the background (a daemon) unless told not to */
  daemonizes?: boolean;
  what: string;
  source: string;
}

const NODE: RuntimeFacts = { term: 'app-code', reaps: 'no', what: 'node', source: 'pid1-facts.md "node 18 with no signal handler": TERM dropped as PID 1 unless the app listens for SIGTERM; leaves orphans as zombies' };
const PYTHON: RuntimeFacts = { term: 'app-code', reaps: 'app-code', what: 'python', source: 'pid1-facts.md "python3 server.py as PID 1 catches only INT": TERM dropped unless the app installs a handler' };
const JVM: RuntimeFacts = { term: 'yes', reaps: 'no', what: 'a JVM', source: 'pid1-facts.md "A JVM catches TERM, runs its shutdown hooks and exits 143"; leaves orphans as zombies' };

/** The package-manager wrappers that stay PID 1 and exit on TERM without waiting for their child. */
export const WRAPPERS_THAT_STAY: Record<string, (args: string[]) => boolean> = {
  // npm start / npm run X / npm run-script X / npm test; `npm exec`/`npx` run their command as a child too
  npm: (a) => /^(start|run|run-script|test|restart|exec|x)$/.test(a[0] ?? ''),
  npx: () => true,
  yarn: (a) => a.length === 0 || /^(start|run|node|dev|serve)$/.test(a[0]) || !/^(install|add|remove|--version|-v)$/.test(a[0]),
  pnpm: (a) => /^(start|run|exec|dev|serve)$/.test(a[0] ?? ''),
  conda: (a) => a[0] === 'run',
  mamba: (a) => a[0] === 'run',
  micromamba: (a) => a[0] === 'run',
  poetry: (a) => a[0] === 'run',
  pipenv: (a) => a[0] === 'run',
};
export const WRAPPER_SOURCE = 'pid1-facts.md "npm start as PID 1": on TERM npm exits in ~1 s without waiting; the server is SIGKILLed unsignalled; npm leaves orphans as zombies (measured)';

export function runtimeOf(argv: string[]): RuntimeFacts | undefined {
  const b = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  if (b === 'node' || b === 'nodejs' || b === 'bun' || b === 'deno' || b === 'ts-node' || b === 'tsx') return { ...NODE, what: b };
  if (/^python[0-9.]*$/.test(b) || b === 'pypy3' || b === 'flask' || b === 'django-admin' || b === 'celery') return { ...PYTHON, what: b };
  if (b === 'java' || b === 'catalina.sh' || b === 'jshell') return JVM;
  if (b === 'ruby' || b === 'rails' || b === 'bundle' || b === 'rake' || b === 'puma' || b === 'php' || b === 'perl' || b === 'dotnet' || b === 'Rscript' || b === 'mix' || b === 'elixir') {
    return { term: 'app-code', reaps: 'app-code', what: b, source: 'runtime default: no handler of its own unless the app or framework installs one' };
  }
  // servers that handle TERM and reap orphans (pid1-facts.md "Real runtimes as PID 1")
  if (/^(nginx|postgres|gunicorn|haproxy|php-fpm[0-9.]*|rsyslogd|sshd|supervisord|apache2|httpd|traefik|caddy|envoy|mysqld|mariadbd|mongod)$/.test(b)) {
    return { term: 'yes', reaps: 'yes', what: b, source: 'pid1-facts.md "nginx, postgres, gunicorn, haproxy, php-fpm, rsyslogd, sshd reap orphans"; apache2 reaps by polling' };
  }
  if (/^(redis-server|memcached|uvicorn)$/.test(b)) return { term: 'yes', reaps: 'no', what: b, source: 'pid1-facts.md "redis, memcached, uvicorn ... leave them as zombies"' };
  return undefined;
}

/**
 * Commands that start a daemon and return (the daemon is then re-parented to PID 1, never gets the stop
 * signal, and is SIGKILLed with the namespace). Source: their manuals (nginx daemon on by default; `service`
 * and init.d scripts start daemons; cron/crond, sshd, rsyslogd fork unless -f/-D/-n).
 */
export function daemonizes(argv: string[]): boolean {
  const b = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  const args = argv.slice(1).join(' ');
  if (b === 'service' && /\b(start|restart)\b/.test(args)) return true;
  if (/^\/etc\/init\.d\//.test(argv[0] ?? '') && /\b(start|restart)\b/.test(args)) return true;
  if (b === 'nginx') return !/daemon\s+off|^-[tTvV]|-s\s/.test(args);
  if (b === 'cron' || b === 'crond') return !/(^|\s)-[a-z]*[fn]/.test(args);
  if (b === 'sshd' || b === 'rsyslogd') return !/(^|\s)-[a-zA-Z]*[Dn]/.test(args);
  if (b === 'apachectl' || b === 'apache2ctl') return /\bstart\b/.test(args);
  if (b === 'php-fpm' || /^php-fpm[0-9.]+$/.test(b)) return !/(^|\s)(-F|--nodaemonize)\b/.test(args);
  if (b === 'redis-server') return /--daemonize\s+yes/.test(args);
  if (b === 'dockerd' || b === 'containerd') return false;
  return false;
}

/** Inits: PID 1 programs that reap and forward (pid1-facts.md "tini ... dumb-init ... catatonit ... supervisord"). */
export const INIT_NAMES = new Set(['tini', 'tini-static', 'docker-init', 'dumb-init', 'catatonit', 'za-shim', 's6-svscan', 'supervisord', 'runsvdir', 'my_init', 'systemd', 'init', 'runit', 's6-overlay', 'pid1']);
