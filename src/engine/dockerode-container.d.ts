// dockerode's Container class alone (lib/container.js): the audit's exec needs only it, and it
// loads about half of what the whole of dockerode does at start
declare module 'dockerode/lib/container.js' {
  import type Dockerode from 'dockerode';
  const Container: new (modem: unknown, id: string) => Dockerode.Container;
  export default Container;
}
