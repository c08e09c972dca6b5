/**
 * Loading user actor modules, on the main thread and inside workers. Node 20 cannot import `.ts` files by itself and
 * ignores loader flags in workers (nodejs/node#47747), so a TypeScript module makes this thread register tsx's
 * loader first (a thread-wide `module.register`, so every thread has one copy of each module).
 */
import { RingmasterError } from './errors.js';

let tsxRegistered: Promise<void> | undefined;

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

export async function importModule(url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?tsx?$/.test(new URL(url).pathname)) {
      await registerTsx();
      return import(url);
    }
    throw new RingmasterError('ERR_MODULE_LOAD', `could not load actor module ${url}: ${(err as Error)?.message ?? String(err)}`, {
      cause: err,
    });
  }
}
