/**
 * `ctx.log`: a logger an actor writes to on whatever thread it runs, with its path, definition and thread bound
 * (Akka's `Context.GetLogger()`). A record of a level the system's logger had enabled at start becomes a 'log'
 * report: on the main thread it reaches the logger at once, on a worker it travels to the main thread the way dead
 * letters and failures do (a system message on the worker's ring to thread 0, in order), so one actor's records
 * arrive in the order it wrote them. Other levels, and every record when no logger was given, cost one Set lookup.
 *
 * Contract: the hosting thread only, like the cell whose context holds it.
 */
import { MessageEncodeError, MessageTooLargeError } from '../errors.js';
import type { LogLevel, Logger } from '../logging/logger.js';
import type { SystemMessage } from '../protocol.js';

/** What an actor's logger needs of its thread's runtime. */
export interface ActorLogHost {
  /** The levels the logger had enabled at start (empty without a logger). */
  readonly levels: ReadonlySet<string>;
  /** Hands a report to the main thread (outbound.ts `report`). */
  report(m: SystemMessage): void;
}

export class ActorLog implements Logger {
  readonly #host: ActorLogHost;
  readonly #bindings: Record<string, unknown>;

  constructor(host: ActorLogHost, bindings: Record<string, unknown>) {
    this.#host = host;
    this.#bindings = bindings;
  }

  error(first: unknown, ...rest: unknown[]): void {
    this.#write('error', first, rest);
  }
  warn(first: unknown, ...rest: unknown[]): void {
    this.#write('warn', first, rest);
  }
  info(first: unknown, ...rest: unknown[]): void {
    this.#write('info', first, rest);
  }
  debug(first: unknown, ...rest: unknown[]): void {
    this.#write('debug', first, rest);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new ActorLog(this.#host, { ...this.#bindings, ...bindings });
  }
  isLevelEnabled(level: string): boolean {
    return this.#host.levels.has(level);
  }

  /** pino's argument shapes: `(fields, msg?, ...args)`, `(msg, ...args)`, and an Error as `{ err }`. */
  #write(level: LogLevel, first: unknown, rest: unknown[]): void {
    if (!this.#host.levels.has(level)) return;
    let fields: object | undefined;
    let msg: string;
    let args: unknown[];
    if (typeof first === 'string') {
      msg = first;
      args = rest;
    } else if (first instanceof Error) {
      fields = { err: first };
      msg = typeof rest[0] === 'string' ? (rest[0] as string) : first.message;
      args = typeof rest[0] === 'string' ? rest.slice(1) : rest;
    } else if (first !== null && typeof first === 'object') {
      fields = first;
      msg = typeof rest[0] === 'string' ? (rest[0] as string) : '';
      args = typeof rest[0] === 'string' ? rest.slice(1) : rest;
    } else {
      msg = String(first);
      args = rest;
    }
    const record: SystemMessage = { type: 'log', level, bindings: this.#bindings, fields, msg, args };
    try {
      this.#host.report(record);
    } catch (err) {
      // Fields that cannot cross a thread (a function, a symbol, too many bytes) must not make logging throw into
      // the handler: the record goes without them, saying why.
      if (!(err instanceof MessageEncodeError || err instanceof MessageTooLargeError)) throw err;
      this.#host.report({ ...record, fields: { logFieldsDropped: err.message }, args: [] });
    }
  }
}
