/** A tar archive holding one file (the engine's import and archive APIs take tars). */
export async function tarOfOne(name: string, data: Buffer, mode = 0o755): Promise<Buffer> {
  const { pack } = await import('tar-stream');
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((res, rej) => { p.on('end', res); p.on('error', rej); });
  p.entry({ name, mode, size: data.length }, data);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}
