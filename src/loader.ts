/**
 * Loading user actor modules, on the main thread and inside workers.
 *
 * Node 22.18+ and 24 strip TypeScript types by themselves (`process.features.typescript`), in workers too: there a
 * `.ts` actor module is a plain `import`, and tsx is not needed. Node 20 cannot import `.ts` files and ignores loader
 * flags in workers (nodejs/node#47747), so there a TypeScript module makes this thread register tsx's loader first
 * (a thread-wide `module.register`, so every thread has one copy of each module).
 *
 * Node's type stripping is stricter than tsx: it does not map a `./util.js` import to `util.ts`, refuses `enum` and
 * other non-erasable syntax, `.tsx` files and `.ts` files under node_modules. A module that fails for one of those
 * reasons (before any of its code ran) is loaded again through tsx when tsx is installed.
 */
import { RingmasterError } from './errors.js';

// Shared with workers/source-bootstrap.mjs, which registers tsx before anything else runs in a source-mode worker.
const TSX_KEY = Symbol.for('ringmaster.tsx-registered');
let tsxRegistered: Promise<void> | undefined = (globalThis as Record<symbol, unknown>)[TSX_KEY] ? Promise.resolve() : undefined;

/** True on Node versions that load `.ts` files by stripping their types (22.18+, 24; not with --no-experimental-strip-types). */
export const nativeTypeScript = (): boolean =>
  Boolean((process as { features?: { typescript?: string | false } }).features?.typescript);

// What an import of a TypeScript module throws when the loader in place cannot load it. Each is raised while
// resolving or parsing, before any module of the graph ran, so loading the module again through tsx runs it once.
const UNLOADABLE_TYPESCRIPT = new Set([
  'ERR_UNKNOWN_FILE_EXTENSION', // Node 20 (no type stripping), or a .tsx file
  'ERR_MODULE_NOT_FOUND', // type stripping: `./util.js` written for `util.ts`
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX', // type stripping: enum, namespace, parameter properties
  'ERR_INVALID_TYPESCRIPT_SYNTAX',
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING', // type stripping: a .ts file under node_modules
]);

async function registerTsx(why: string): Promise<void> {
  tsxRegistered ??= import('tsx/esm/api').then(
    (api: { register: () => unknown }) => {
      api.register();
    },
    (err: unknown) => {
      tsxRegistered = undefined; // not installed: the next module fails with the same explanation
      throw new RingmasterError('ERR_MODULE_LOAD', `${why}; install the 'tsx' package (npm install tsx), or point 'actors' at compiled .js files`, {
        cause: err,
      });
    },
  );
  return tsxRegistered;
}

/**
 * Modules that loaded only on the retry, by their URL: Node keeps the failed first attempt under the original URL,
 * so a later import of the same module on this thread (a second system, or `npx ringmaster bench`, which imports the
 * module before starting systems on it) goes straight to the URL that loaded.
 */
const retriedAs = new Map<string, string>();

const isTypeScript = (url: string): boolean => /\.[cm]?tsx?$/.test(new URL(url).pathname);

/**
 * Imports an actor module. `freshThread` is true inside workers: on a Node without type stripping no TypeScript
 * loader can be active there unless we register one, so a `.ts` module registers tsx first. Otherwise (the main
 * thread, where vitest or the tsx CLI may have a loader active, or a Node that strips types) the plain import is
 * tried first; if it fails because the module cannot be loaded as TypeScript, tsx is registered and the import
 * retried under a new URL (Node caches the failed attempt for the original one).
 */
export async function importModule(url: string, freshThread = false): Promise<unknown> {
  const retried = retriedAs.get(url);
  if (retried !== undefined) return import(retried);
  const typeScript = isTypeScript(url);
  try {
    if (freshThread && typeScript && !nativeTypeScript()) {
      await registerTsx(`loading the TypeScript actor module ${url} on Node ${process.version} (no type stripping) needs tsx`);
    }
    return await import(url);
  } catch (err) {
    if (err instanceof RingmasterError) throw err;
    const code = (err as { code?: unknown }).code;
    if (!typeScript || typeof code !== 'string' || !UNLOADABLE_TYPESCRIPT.has(code) || tsxRegistered !== undefined) {
      throw loadError(url, err);
    }
    const hint =
      code === 'ERR_MODULE_NOT_FOUND' && nativeTypeScript() ? " (Node's type stripping needs relative imports to name the .ts file)" : '';
    await registerTsx(`could not load actor module ${url}: ${(err as Error).message}${hint}`);
    const retryUrl = `${url}${url.includes('?') ? '&' : '?'}ringmaster-tsx`;
    try {
      const namespace: unknown = await import(retryUrl);
      retriedAs.set(url, retryUrl);
      return namespace;
    } catch (retriedError) {
      throw loadError(url, retriedError);
    }
  }
}

const loadError = (url: string, err: unknown): RingmasterError =>
  new RingmasterError('ERR_MODULE_LOAD', `could not load actor module ${url}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
