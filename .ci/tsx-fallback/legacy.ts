// An actor module written for tsx: it imports util.ts as './util.js', which Node's type stripping does not map.
import { defineActor } from 'ringmaster';
import { Step } from './util.js';

export const Legacy = defineActor('Legacy', {
  init: () => ({}),
  receive(_state, _msg: 'get', ctx) {
    ctx.reply(Step.By);
  },
});
