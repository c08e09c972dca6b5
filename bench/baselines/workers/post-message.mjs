// Worker side of the postMessage baseline (bench/baselines/post-message.ts). Plain JS: Node 20
// cannot start .ts workers. Protocol, all on parentPort:
//   {type:'get'}               -> replies with a number (the round trip)
//   {type:'expect', count}     -> resets the counter; replies {type:'done', count} once `count`
//                                 messages arrived, each {type:'inc'} counting 1 and an array its length
import { parentPort } from 'node:worker_threads';

let received = 0;
let expected = -1;

parentPort.on('message', (message) => {
  if (Array.isArray(message)) {
    received += message.length;
  } else if (message.type === 'inc') {
    received += 1;
  } else if (message.type === 'get') {
    parentPort.postMessage(received);
    return;
  } else if (message.type === 'expect') {
    received = 0;
    expected = message.count;
    return;
  }
  if (received === expected) {
    expected = -1;
    parentPort.postMessage({ type: 'done', count: received });
  }
});
