/**
 * Loading user actor modules, on the main thread and inside workers. Node 20 cannot import `.ts` files by itself and
 * ignores loader flags in workers (nodejs/node#47747), so a TypeScript module makes this thread register tsx's
 * loader first (a thread-wide `module.register`, so every thread has one copy of each module).
 */
import { RingmasterError } from './errors.js';

// Shared with workers/source-bootstrap.mjs, which registers tsx before anything else runs in a source-mode worker.
const TSX_KEY = Symbol.for('ringmaster.tsx-registered');
let tsxRegistered: Promise<void> | undefined = (globalThis as Record<symbol, unknown>)[TSX_KEY] ? Promise.resolve() : undefined;

async function registerTsx(): Promise<void> {
  tsxRegistered ??= import('tsx/esm/api').then(
    (api: { register: () => unknown }) => {
      api.register();
    },
    (err: unknown) => {
      throw new RingmasterError(
        'ERR_MODULE_LOAD',
        "loading TypeScript actor modules needs the 'tsx' package (npm install tsx), or point 'actors' at compiled .js files",
        { cause: err },
      );
    },
  );
  return tsxRegistered;
}

const isTypeScript = (url: string): boolean => /\.[cm]?tsx?$/.test(new URL(url).pathname);

/**
 * Imports an actor module. `freshThread` is true inside workers: no TypeScript loader can be active there unless we
 * register one, so a `.ts` module registers tsx first. On the main thread a loader may already be active (vitest,
 * the tsx CLI), so the plain import is tried first; if it fails for the extension, tsx is registered and the import
 * retried under a new URL (Node caches the failed attempt for the original one).
 */
export async function importModule(url: string, freshThread = false): Promise<unknown> {
  try {
    if (freshThread && isTypeScript(url)) await registerTsx();
    return await import(url);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && isTypeScript(url) && !freshThread) {
      await registerTsx();
      return import(`${url}${url.includes('?') ? '&' : '?'}ringmaster-tsx`);
    }
    if (err instanceof RingmasterError) throw err;
    throw new RingmasterError('ERR_MODULE_LOAD', `could not load actor module ${url}: ${(err as Error)?.message ?? String(err)}`, {
      cause: err,
    });
  }
}
