// orders.ts: loaded by every worker; imported on the main thread for its types.
import { defineActor, type ActorContext } from 'ringmaster';

export type OrderMsg = { type: 'order'; items: number } | { type: 'total' };

export const Orders = defineActor('Orders', {
  init: () => ({ items: 0 }),
  receive(state, msg: OrderMsg, ctx: ActorContext<OrderMsg, number>) {
    if (msg.type === 'order') {
      if (msg.items <= 0) throw new RangeError('an order needs items'); // a failure, counted; then a restart
      state.items += msg.items;
    } else ctx.reply(state.items);
  },
});
