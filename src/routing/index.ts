// The public API of 'ringmaster/routing', listed explicitly (test/unit/public-surface.test.ts pins the runtime names).
export { Pool } from './pool.js';
export type { PoolRouter, PoolOptions, ConsistentHashingPoolOptions, ScatterGatherPoolOptions, TailChoppingPoolOptions } from './pool.js';
export { Group } from './group.js';
export type { GroupOptions, ConsistentHashingGroupOptions } from './group.js';
export { broadcast, isBroadcast } from './broadcast.js';
export type { Broadcast } from './broadcast.js';
export { defineRouting } from './routing-function.js';
export type { RoutingFunction } from './routing-function.js';
export { RouterRef } from './router-ref.js';
export type { RouterKind } from './kinds.js';
