/** Where a command writes: injectable so tests drive the real code without a terminal. */
export interface IO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const processIO = (): IO => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });
