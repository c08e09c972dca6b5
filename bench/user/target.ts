/**
 * What `npx ringmaster bench` measures: the user's actor module, the definition in it, its spawn args, and the
 * messages to send it: one it answers (`--message`, asked in the round trip, bursty and service scenarios) and one
 * for the one-way scenario (`--tell`, the same by default), each a JSON value or built by a messages module
 * (`--messages FILE`). Everything that can be wrong with them is a `UsageError` (exit 2) that says what to do; then
 * `checkTarget` tries the actor once in a real system, so that an actor that never replies fails here, in a second,
 * instead of as a timed-out scenario.
 *
 * Main thread only.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ActorDefinition, ActorSystem, AskTimeoutError, RingmasterError } from '../../src/index.js';
import { importModule } from '../../src/loader.js';
import { UsageError } from '../cli/engine-flags.js';

/** A message to send, the i-th time (i from 0): a constant, or what a messages module's function builds. */
export interface MessageSource {
  readonly at: (i: number) => unknown;
  /** For the report: the JSON (shortened), or which function builds it. */
  readonly label: string;
}

export interface BenchTarget {
  /** `--module` as given, for messages and the command that reproduces the run. */
  readonly modulePath: string;
  /** Its file URL: the `actors` option of every system the benchmark starts. */
  readonly module: URL;
  readonly definition: ActorDefinition<any, any, any, any>;
  readonly args: unknown;
  readonly ask: MessageSource;
  readonly tell: MessageSource;
}

/** What the command line says about the target; every field still unchecked. */
export interface TargetFlags {
  readonly module?: string | undefined;
  readonly definition?: string | undefined;
  readonly args?: string | undefined;
  readonly message?: string | undefined;
  readonly tell?: string | undefined;
  readonly messages?: string | undefined;
}

/** Longest label before it is cut: the report's "what" column stays readable. */
const LABEL_CHARS = 40;

export function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${flag} is not JSON (${(error as Error).message}): ${text}\n` +
        `  JSON quotes keys and strings with double quotes; quote the whole value for your shell: ${flag} '{"type":"get"}'`,
    );
  }
}

const shorten = (text: string): string => (text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text);

const constant = (value: unknown): MessageSource => ({ at: () => value, label: shorten(JSON.stringify(value) ?? String(value)) });

/** A file the user named, as a file URL; a missing file or a folder is a usage error. */
function fileUrl(flag: string, path: string): URL {
  const absolute = resolve(process.cwd(), path);
  if (!existsSync(absolute)) throw new UsageError(`${flag} ${path}: no such file (looked for ${absolute})`);
  if (statSync(absolute).isDirectory()) throw new UsageError(`${flag} ${path} is a folder; name the module file in it`);
  return pathToFileURL(absolute);
}

/** Imports a module of the user's the way the engine does (TypeScript through type stripping or tsx). */
async function load(flag: string, path: string, url: URL): Promise<Record<string, unknown>> {
  try {
    return (await importModule(url.href)) as Record<string, unknown>;
  } catch (error) {
    // The engine's ERR_MODULE_LOAD says why and what to install; the module's own error at import is the user's too.
    const message = error instanceof RingmasterError ? error.message : (error as Error)?.message ?? String(error);
    throw new UsageError(`${flag} ${path} could not be loaded: ${message}`);
  }
}

const isDefinition = (value: unknown): value is ActorDefinition<any, any, any, any> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { name?: unknown }).name === 'string' &&
  typeof (value as { behavior?: { receive?: unknown } }).behavior?.receive === 'function';

/** The definition named `name`: an export's name, or the name given to `defineActor`. */
function findDefinition(path: string, exports: Record<string, unknown>, name: string): ActorDefinition<any, any, any, any> {
  const definitions = Object.entries(exports).filter((entry): entry is [string, ActorDefinition<any, any, any, any>] =>
    isDefinition(entry[1]),
  );
  const found = definitions.find(([key]) => key === name) ?? definitions.find(([, def]) => def.name === name);
  if (found !== undefined) return found[1];
  if (definitions.length === 0) {
    const keys = Object.keys(exports);
    throw new UsageError(
      `--module ${path} exports no actor definition (what defineActor returns); its exports: ${keys.length > 0 ? keys.join(', ') : 'none'}`,
    );
  }
  const list = definitions.map(([key, def]) => (key === def.name ? key : `${def.name} (export ${key})`)).join(', ');
  throw new UsageError(`--definition ${name}: ${path} defines no actor of that name; it defines: ${list}`);
}

/** An export of the messages module: a function of the sequence number, or the message itself. */
function exported(path: string, exports: Record<string, unknown>, key: 'ask' | 'tell'): MessageSource | undefined {
  if (!(key in exports)) return undefined;
  const value = exports[key];
  if (typeof value !== 'function') return constant(value);
  const build = value as (i: number) => unknown;
  let first: unknown;
  try {
    first = build(0);
  } catch (error) {
    throw new UsageError(`--messages ${path}: ${key}(0) threw: ${(error as Error)?.message ?? String(error)}`);
  }
  if (first === undefined || (typeof first === 'object' && first !== null && typeof (first as { then?: unknown }).then === 'function')) {
    throw new UsageError(`--messages ${path}: ${key}(i) must return the message itself (not undefined, not a promise)`);
  }
  return { at: build, label: `${key}(i) of ${path}` };
}

/** Checks the flags and loads the module (and the messages module): everything but sending a message. */
export async function loadTarget(flags: TargetFlags): Promise<BenchTarget> {
  if (flags.module === undefined) throw new UsageError('--module FILE is required: the module that defines your actor');
  if (flags.definition === undefined) {
    throw new UsageError('--definition NAME is required: the actor to measure (an export of the module, or its defineActor name)');
  }
  const args = flags.args === undefined ? undefined : parseJson('--args', flags.args);
  const message = flags.message === undefined ? undefined : constant(parseJson('--message', flags.message));
  const tell = flags.tell === undefined ? undefined : constant(parseJson('--tell', flags.tell));
  const messagesUrl = flags.messages === undefined ? undefined : fileUrl('--messages', flags.messages);
  const module = fileUrl('--module', flags.module);

  const definition = findDefinition(flags.module, await load('--module', flags.module, module), flags.definition);
  let built: { ask?: MessageSource; tell?: MessageSource; args?: unknown } = {};
  if (messagesUrl !== undefined && flags.messages !== undefined) {
    const exports = await load('--messages', flags.messages, messagesUrl);
    const ask = exported(flags.messages, exports, 'ask');
    const builtTell = exported(flags.messages, exports, 'tell');
    built = { ...(ask && { ask }), ...(builtTell && { tell: builtTell }), ...('args' in exports && { args: exports.args }) };
    if (ask === undefined && builtTell === undefined && !('args' in exports)) {
      throw new UsageError(`--messages ${flags.messages} exports none of ask, tell, args`);
    }
  }
  const ask = message ?? built.ask;
  if (ask === undefined) {
    throw new UsageError(
      `a message ${definition.name} replies to is required: --message JSON (such as --message '{"type":"get"}'), ` +
        'or --messages FILE exporting ask',
    );
  }
  return {
    modulePath: flags.module,
    module,
    definition,
    args: flags.args !== undefined ? args : built.args,
    ask,
    tell: tell ?? built.tell ?? ask,
  };
}

/** What trying the actor found out that the report should say. */
export interface TargetCheck {
  /** The one-way message got a `ctx.reply` with nobody to take it: a dead letter per message, in the figure. */
  readonly tellReplies: boolean;
}

/** How long the check waits for the actor's reply. */
const CHECK_TIMEOUT_MS = 5_000;

/**
 * Spawns the actor on one worker, asks it the round trip's message, tells it the one-way message, and asks again:
 * what every scenario does, once. An actor that fails to spawn, never replies, or fails on a message is a usage
 * error naming the flag to change.
 */
export async function checkTarget(target: BenchTarget): Promise<TargetCheck> {
  const name = target.definition.name;
  let system: ActorSystem;
  try {
    system = await ActorSystem.start({ workers: 1, actors: [target.module] });
  } catch (error) {
    throw new UsageError(`could not start a system with --module ${target.modulePath}: ${(error as Error).message}`);
  }
  const failures: string[] = [];
  let noAsker = 0;
  system.events.subscribe((event) => {
    if (event.type === 'actor-failed') failures.push(event.error.message);
    else if (event.type === 'dead-letter' && event.reason === 'no-asker') noAsker++;
  });
  const failed = (what: string): UsageError | undefined =>
    failures.length > 0 ? new UsageError(`${name} failed ${what}: ${failures[0]}`) : undefined;
  try {
    let ref: Awaited<ReturnType<typeof system.spawn>>;
    try {
      ref = await system.spawn(target.definition, { name: 'bench-check', args: target.args, placement: { worker: 1 } });
    } catch (error) {
      const given = target.args === undefined ? 'without --args' : `with --args ${JSON.stringify(target.args)}`;
      throw new UsageError(`spawning ${name} ${given} failed: ${(error as Error).message}`);
    }
    const ask = async (i: number, after: string): Promise<void> => {
      try {
        await ref.ask(target.ask.at(i), { timeoutMs: CHECK_TIMEOUT_MS });
      } catch (error) {
        const failure = failed(after);
        if (failure !== undefined) throw failure;
        if (error instanceof AskTimeoutError) {
          throw new UsageError(
            `${name} did not reply to ${target.ask.label} within ${CHECK_TIMEOUT_MS / 1000} s: the round trip needs a message ` +
              'it answers with ctx.reply (--message, or ask in --messages)',
          );
        }
        throw new UsageError(`asking ${name} ${target.ask.label} failed: ${(error as Error).message}`);
      }
    };
    await ask(0, `on ${target.ask.label}`);
    const failure = failed('after it was spawned');
    if (failure !== undefined) throw failure;
    try {
      await ref.send(target.tell.at(0));
    } catch (error) {
      throw new UsageError(`telling ${name} ${target.tell.label} failed: ${(error as Error).message}`);
    }
    await ask(1, `on the one-way message ${target.tell.label}`);
    const tellFailure = failed(`on the one-way message ${target.tell.label}`);
    if (tellFailure !== undefined) throw tellFailure;
    return { tellReplies: noAsker > 0 };
  } finally {
    await system.shutdown();
  }
}
