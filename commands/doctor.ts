import { Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../oclif/flags.js';
import { DOCTOR_FLAGS } from '../src/doctor/doctor.js';

export default class Doctor extends Command {
  static summary = 'Check that zombie-audit can work here: which engines run and where they listen, socket permissions, cgroups, pid_max, helper image';
  static description = `One line per check: ok, or PROBLEM and its fix. Reads this host's processes to find dockerd (and its -H addresses), rootless dockerd, \`podman system service\` and a containerd with no dockerd in front (use --runtime containerd there).

Exit codes: 0 every check ok, 1 a problem, 2 usage error.`;
  static examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json', '<%= config.bin %> doctor --host unix:///run/user/1000/docker.sock'];
  static flags = oclifFlags(DOCTOR_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'doctor');
  }
}
