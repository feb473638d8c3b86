// The graphql-ws client as an outside referee: subscribe, receive, complete early, and reconnect after the
// socket drops. Usage: node ws-client.mjs ws://127.0.0.1:PORT/graphql
// Prints one JSON line with what it saw; exit code 1 on any failure.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.argv[2];
const report = {};
let connects = 0;
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  retryAttempts: 3,
  retryWait: () => new Promise((resolve) => setTimeout(resolve, 50)),
  shouldRetry: () => true,
  lazy: false,
  on: { connected: (socket) => { connects += 1; lastSocket = socket; } },
});
let lastSocket;

function collect(query, limit) {
  return new Promise((resolve, reject) => {
    const values = [];
    const dispose = client.subscribe({ query }, {
      next: (value) => {
        values.push(value.data);
        if (limit && values.length >= limit) { dispose(); resolve({ values, completedBy: 'client' }); }
      },
      error: reject,
      complete: () => resolve({ values, completedBy: 'server' }),
    });
  });
}

try {
  report.countdown = await collect('subscription { countdown(from: 3) }');
  report.earlyComplete = await collect('subscription { forever }', 1);
  report.query = await collect('{ hello(name: "graphql-ws") }');
  // Drop the socket under the client; it must reconnect on its own and serve the next subscription.
  const before = connects;
  lastSocket.terminate();
  report.afterReconnect = await collect('subscription { countdown(from: 1) }');
  report.reconnected = connects > before;
  report.connects = connects;
  console.log(JSON.stringify(report));
  await client.dispose();
  process.exit(0);
} catch (error) {
  console.log(JSON.stringify({ ...report, failure: String(error?.message ?? JSON.stringify(error)) }));
  process.exit(1);
}
