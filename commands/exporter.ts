import { Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../oclif/flags.js';
import { EXPORTER_FLAGS } from '../src/exporter/options.js';

export default class Exporter extends Command {
  static summary = 'Serve Prometheus metrics on zombies, PID 1 and docker stop for every container on the host';
  static description = `Samples every running container in the background (one helper container in the host's PID namespace reads all of /proc at once, every --interval) and serves the last sample on /metrics: zombies, zombies by parent command, the oldest zombie's age, processes and the PID limit, what PID 1 is and does with SIGTERM, the predicted docker stop outcome, and the audit's findings, one series per container. A scrape never reads a container; nothing is written into one or signalled.

Serves loopback (127.0.0.1:9719) unless --listen names another address. Stops cleanly on SIGTERM, SIGINT or SIGHUP (exit 0). Alert rules and a Grafana dashboard: deploy/.

Exit codes: 0 stopped by a signal, 2 usage error, the engine unreachable or the address not available.`;
  static examples = ['<%= config.bin %> exporter', '<%= config.bin %> exporter --listen 0.0.0.0:9719 --interval 30s'];
  static flags = oclifFlags(EXPORTER_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'exporter');
  }
}
