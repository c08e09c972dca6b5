// session.ts: timers and a receive timeout. Loaded by every worker; imported on the main thread for its types.
import { defineActor, isReceiveTimeout, type ActorContext, type ActorRef, type ReceiveTimeout } from 'ringmaster';

export type SessionMsg = { type: 'touch' } | { type: 'heartbeat' } | ReceiveTimeout;
export type SessionEvent = { type: 'beat'; n: number } | { type: 'expired'; beats: number };
export type LogMsg = SessionEvent | 'get';

export const Session = defineActor('Session', {
  init: (args: { events: ActorRef<LogMsg> }) => ({ events: args.events, beats: 0 }),
  // Heartbeats are the session's own: they must not keep an idle session alive.
  notInfluenceReceiveTimeout: (msg: SessionMsg) => msg.type === 'heartbeat',
  // Timers and the receive timeout belong to one incarnation: a restart cancels them, and postRestart
  // (by default this preStart) arms them again.
  preStart(_state, ctx: ActorContext<SessionMsg>) {
    ctx.timers.startTimerWithFixedDelay('heartbeat', { type: 'heartbeat' }, 20);
    ctx.setReceiveTimeout(100); // expire after 100 ms without a 'touch'
  },
  receive(state, msg: SessionMsg, ctx: ActorContext<SessionMsg>) {
    if (isReceiveTimeout(msg)) {
      ctx.tell(state.events, { type: 'expired', beats: state.beats });
      ctx.stop();
    } else if (msg.type === 'heartbeat') ctx.tell(state.events, { type: 'beat', n: ++state.beats });
  },
});

/** Keeps what it is told; answers 'get' with it. */
export const Log = defineActor('Log', {
  init: () => ({ seen: [] as SessionEvent[] }),
  receive(state, msg: LogMsg, ctx: ActorContext<LogMsg, SessionEvent[]>) {
    if (msg === 'get') ctx.reply(state.seen);
    else state.seen.push(msg);
  },
});
