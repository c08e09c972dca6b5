// actors.ts: a boss supervises and watches a parser that runs on another worker.
import { defineActor, isTerminated, oneForOne, type ActorContext, type ActorRef, type Terminated } from 'ringmaster';

export type ParserMsg = { type: 'parse'; text: string } | { type: 'count' };

/** Counts the lines it parsed. An empty line is a ValidationError; 'corrupt' breaks it. */
export const Parser = defineActor('Parser', {
  init: () => ({ parsed: 0 }),
  receive(state, msg: ParserMsg, ctx: ActorContext<ParserMsg, number>) {
    if (msg.type === 'count') return ctx.reply(state.parsed);
    if (msg.text === '') throw Object.assign(new Error('empty line'), { name: 'ValidationError' });
    if (msg.text === 'corrupt') throw new Error('parser state corrupted');
    state.parsed++;
  },
});

export type BossMsg = { type: 'parser' } | Terminated;

export const Boss = defineActor('Boss', {
  init: () => ({ parser: undefined as ActorRef<ParserMsg, number> | undefined }),
  // How the boss handles failures of its children (errors cross threads: match name or message, not instanceof).
  supervisorStrategy: oneForOne({
    decider: (err) => (err.name === 'ValidationError' ? 'resume' : 'restart'), // or 'stop', 'escalate'
    maxRetries: 5, // a 6th restart within withinMs stops the child instead
    withinMs: 10_000,
    backoff: { minMs: 100, maxMs: 5_000, jitter: 0.2 },
  }),
  preStart(state, ctx) {
    state.parser = ctx.watch(ctx.spawn(Parser, { name: 'parser', placement: { worker: 2 } }));
  },
  receive(state, msg: BossMsg, ctx: ActorContext<BossMsg, ActorRef<ParserMsg, number>>) {
    if (isTerminated(msg)) ctx.stop(); // death watch: the parser stopped, so the boss stops too
    else ctx.reply(state.parser!);
  },
});
