/**
 * The `logger` option: the structural shape ringmaster needs of a logger (pino's, which also fits bunyan-style and
 * most Node loggers), and the guard every call to it goes through.
 *
 * Contract: the Logger instance lives on the main thread only (it cannot cross a thread: it holds functions). A
 * worker knows only which levels were enabled at start (`ResolvedConfig.logLevels`) and ships its records to the
 * main thread as reports (src/runtime/actor-log.ts); `LogSink` there is the one place that calls the logger.
 */

/** The levels ringmaster writes at, most severe first. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** One logging method, pino's way: structured fields first and the message after, or only a message. */
export interface LogFn {
  (fields: object, msg?: string, ...args: unknown[]): void;
  (msg: string, ...args: unknown[]): void;
}

/**
 * What the `logger` option takes: an object with a method per level and `child(bindings)`. A pino logger fits as it
 * is (ringmaster does not depend on pino); so does anything of this shape. `isLevelEnabled`, when present, is asked
 * once at start which levels the workers should ship at all.
 */
export interface Logger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  /** A logger whose records carry `bindings` as fields too. */
  child(bindings: Record<string, unknown>): Logger;
  isLevelEnabled?(level: string): boolean;
}

/** True when `v` has a function for every level and for `child`: what the configuration's schema checks. */
export function isLogger(v: unknown): v is Logger {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return LOG_LEVELS.every((l) => typeof o[l] === 'function') && typeof o.child === 'function';
}

/**
 * The levels `logger` has enabled now (all four when it cannot say). Workers drop records of other levels before
 * they cross a thread; a logger whose level changes later still filters what reaches it, but a level lowered after
 * start does not make workers ship more.
 */
export function enabledLevels(logger: Logger | undefined): LogLevel[] {
  if (logger === undefined) return [];
  return LOG_LEVELS.filter((l) => {
    try {
      return typeof logger.isLevelEnabled !== 'function' || logger.isLevelEnabled(l) !== false;
    } catch {
      return true;
    }
  });
}

/**
 * The one caller of the user's logger. A logger that throws must not break the engine: its throw is swallowed, and
 * the first one per system is reported once through `process.emitWarning` (code `RINGMASTER_LOGGER_THREW`), which
 * is Node's channel for a library's complaint, not console.error.
 */
export class LogSink {
  readonly #logger: Logger;
  #warned = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  write(level: LogLevel, fields: object, msg: string, args: readonly unknown[] = []): void {
    try {
      this.#logger[level](fields, msg, ...args);
    } catch (err) {
      if (this.#warned) return;
      this.#warned = true;
      try {
        process.emitWarning(`the logger threw at '${level}' and ringmaster swallowed it (later throws are not reported): ${String((err as Error)?.message ?? err)}`, {
          code: 'RINGMASTER_LOGGER_THREW',
        });
      } catch {
        // emitWarning itself can throw only with a hostile process object: nothing left to tell.
      }
    }
  }
}
