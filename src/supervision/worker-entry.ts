/**
 * Which file a worker thread runs. This is the one place in src/ that knows where workers/ lies relative to it and
 * whether the engine runs compiled (from dist/) or from its TypeScript sources (tests, tsx). It is its own module,
 * not part of the worker supervisor, because it depends on the package layout rather than on supervision: moving
 * dist/ or workers/ changes this file only. It names workers/ by URL and never imports it (src/ never imports
 * workers/).
 *
 * Contract: main thread only (the worker supervisor calls it once per system).
 */

/**
 * `url` is what `new Worker` starts; `host` is the actor host module the worker imports, passed to it as
 * `WorkerBoot.entry` (src/control.ts). From dist/ both are `dist/workers/actor-host.js`. From source, Node 20 cannot
 * start a `.ts` worker and ignores loader flags in workers (docs/platform.md#worker-threads-and-typescript), and
 * the type stripping of later Node versions does not resolve the sources' `.js` imports, so `url` is a small JS
 * bootstrap that registers tsx inside the worker and then imports `host`, the `.ts` source.
 */
export function workerEntry(): { url: URL; host: string } {
  const self = import.meta.url;
  if (/\.ts$/.test(new URL(self).pathname)) {
    return {
      url: new URL('../../workers/source-bootstrap.mjs', self),
      host: new URL('../../workers/actor-host.ts', self).href,
    };
  }
  const host = new URL('../../workers/actor-host.js', self);
  return { url: host, host: host.href };
}
