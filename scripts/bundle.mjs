// npm run build:bundle: the audit's fast path (bin/run.js -> dist/fast.bundle.js) as one file.
// dockerode and docker-modem are bundled; what they load eagerly but the audit rarely uses is
// loaded on first use instead (a lazy require behind a Proxy): ssh2 (ssh:// only), @grpc/*,
// protobufjs (BuildKit sessions), tar-fs (build contexts) and node:https (TLS endpoints only).
import { build } from 'esbuild';

const LAZY = ['ssh2', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'tar-fs', 'https', 'node:https'];
const lazyFilter = new RegExp(`^(${LAZY.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);

/** `require(name)` only when the module is first used: a Proxy stands in until then. */
const lazyPlugin = {
  name: 'lazy-require',
  setup(b) {
    b.onResolve({ filter: lazyFilter }, (args) => {
      // the stand-in's own require: left to Node at run time (from node_modules)
      if (args.namespace === 'lazy') return { path: args.path, external: true };
      return { path: args.path, namespace: 'lazy' };
    });
    // docker-modem's HttpDuplex (hijacked attach/exec with stdin, unused here) on Node's own streams
    b.onResolve({ filter: /^readable-stream$/ }, () => ({ path: 'stream', external: true }));
    // debug logs only under DEBUG=...; without it a no-op (loading it costs tty and supports-color)
    b.onResolve({ filter: /^debug$/ }, (args) => (args.namespace === 'debug-stub' ? { path: 'debug', external: true } : { path: 'debug', namespace: 'debug-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'debug-stub' }, () => ({
      contents: `const off = () => { const f = () => {}; f.enabled = false; f.extend = off; return f; };
        module.exports = process.env.DEBUG ? require('debug') : off;`,
      loader: 'js', resolveDir: process.cwd(),
    }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `
        let m;
        const load = () => (m ??= require(${JSON.stringify(args.path)}));
        // properties read at load time (\`require('ssh2').Client\`) stay lazy too
        const lazy = (get) => new Proxy(function () {}, {
          get: (_, k) => { const v = get(); return v[k]; },
          apply: (_, self, a) => Reflect.apply(get(), self, a),
          construct: (_, a) => Reflect.construct(get(), a),
          has: (_, k) => k in get(),
          set: (_, k, v) => { get()[k] = v; return true; },
        });
        const own = (o, k, v) => Reflect.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
        const self = new Proxy(function () {}, {
          get: (_, k) => (m ? m[k] : k === '__esModule' ? undefined : lazy(() => load()[k])),
          apply: (_, that, a) => Reflect.apply(load(), that, a),
          construct: (_, a) => Reflect.construct(load(), a),
          has: (_, k) => k in load(),
          // an object whose prototype is the module (docker-modem's http.js) gets its own property
          set: (_, k, v, receiver) => (receiver === self ? ((load()[k] = v), true) : own(receiver, k, v)),
        });
        module.exports = self;`,
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

await build({
  entryPoints: [process.env.ENTRY ?? 'dist/src/cli/fast.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: process.env.OUT ?? 'dist/fast.bundle.js',
  // CommonJS inside an ESM bundle needs a real require (node built-ins, the lazy modules)
  banner: { js: "import { createRequire as __zaCreateRequire } from 'node:module'; const require = __zaCreateRequire(import.meta.url);" },
  // EXTERNAL (comma list): more packages left to node_modules (the lint bundle: web-tree-sitter finds
  // its .wasm beside its own files, not beside the bundle)
  external: ['chalk', 'cli-table3', 'tar-stream', 'cpu-features', './crypto/build/Release/sshcrypto.node', ...(process.env.EXTERNAL ? process.env.EXTERNAL.split(',') : [])],
  plugins: [lazyPlugin],
  logLevel: 'warning',
});
