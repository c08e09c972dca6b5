/**
 * How a RouterRef travels inside a message (Akka allows it): a msgpack extension whose payload is versioned like a
 * ref's, `[1, name, kind, timing, keySource, routees, slots, pool]`. The routees are refs (bound, once decoded, to
 * the receiving thread's runtime); the key function travels by name and is looked up there (a definition's
 * `routing`, or defineRouting). A pool copy keeps its head's ref and the pool's slot in the routee table. A
 * malformed payload is a decode error (an 'undecodable' dead letter), never a router with wrong fields.
 */
import { addExtension } from 'msgpackr';
import { findDefinition } from '../actor.js';
import { ActorRef, boundRuntime } from '../ref.js';
import type { LogicOptions, RouterKind } from './kinds.js';
import { ROUTER_WIRE_VERSION, RouterRef, routerWire, type RouterHost } from './router-ref.js';
import { Routees } from './routees.js';
import { findRouting } from './routing-function.js';

export const ROUTER_EXTENSION_TYPE = 0x54; // 'T'

function decodeRouter(data: unknown): RouterRef {
  if (!Array.isArray(data) || data[0] !== ROUTER_WIRE_VERSION) {
    throw new TypeError(`a router in a message has format ${JSON.stringify(Array.isArray(data) ? data[0] : data)}; this version reads format ${ROUTER_WIRE_VERSION}`);
  }
  const [, name, kind, timing, keySource, refs, slots, pool] = data as [number, unknown, unknown, Record<string, number>, unknown, unknown, unknown, unknown];
  if (typeof name !== 'string' || typeof kind !== 'string' || !Array.isArray(refs) || !Array.isArray(slots) || !refs.every((r) => r instanceof ActorRef)) {
    throw new TypeError('a router in a message is malformed (name, kind, routees or slots of the wrong type)');
  }
  let keyOf: ((m: unknown) => unknown) | undefined;
  if (keySource !== null) {
    const k = keySource as { definition?: string; key?: string; routing?: string };
    keyOf =
      k.routing !== undefined
        ? findRouting(k.routing)?.keyOf
        : (findDefinition(k.definition ?? '')?.behavior.routing as Record<string, (m: unknown) => unknown> | undefined)?.[k.key ?? ''];
    if (keyOf === undefined) {
      throw new TypeError(`router '${name}' hashes with ${JSON.stringify(keySource)}, which this thread does not define (define it in a module every thread loads)`);
    }
  }
  const link = pool === null ? undefined : { tag: (pool as [number])[0], slot: (pool as [number, number])[1], head: (pool as [number, number, ActorRef])[2] };
  const anchor = link?.head ?? (refs[0] as ActorRef | undefined);
  const host = anchor === undefined ? undefined : (boundRuntime(anchor) as unknown as RouterHost | undefined);
  if (host === undefined) throw new TypeError(`router '${name}' arrived with no routee and no head`);
  const logic: LogicOptions = { kind: kind as RouterKind, ...timing, ...(keyOf === undefined ? {} : { keyOf, keySource: keySource as NonNullable<LogicOptions['keySource']> }) };
  const routees = new Routees(refs as ActorRef[], slots as number[]);
  return new RouterRef(name, logic, routees, host, link === undefined ? {} : { pool: link, copy: true });
}

let installed = false;

/**
 * Registers the router extension with msgpackr on this thread, once. system.ts calls it when it loads, so every
 * thread that loads 'ringmaster' (every actor module does, for defineActor) decodes routers, also where the actor
 * modules import routing types only (test/routing/travel.test.ts).
 */
export function installRouterCodec(): void {
  if (installed) return;
  installed = true;
  addExtension({
    Class: RouterRef as unknown as new () => RouterRef,
    type: ROUTER_EXTENSION_TYPE,
    write: (router: RouterRef) => routerWire(router),
    read: (data: unknown) => decodeRouter(data),
  });
}
