// Subscription fan-out driver: N graphql-ws clients (one WebSocket each) follow one order with
// orderStatusChanged(orderId, accessToken). Prints {"ready":N} once every client has its first message (the current
// status), then for each later status the harness causes, one line {"status":S,"latencies":[ms...],"missing":K}:
// per client, receive time minus the event's `at` (stamped by the server when it made the change, same clock).
// Usage: node subscription-fanout.mjs ws://HOST:PORT/graphql COUNT ORDER_ID ACCESS_TOKEN STATUS[,STATUS...]
// Needs tests/referees/node_modules (npm ci there): graphql-ws and ws are loaded from it.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/referees/package.json', import.meta.url));
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const [url, countText, orderId, token, statusesText] = process.argv.slice(2);
const count = Number(countText);
const statuses = statusesText.split(',');
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const query = 'subscription($id: ID!, $t: String) { orderStatusChanged(orderId: $id, accessToken: $t) { status at } }';

const arrivals = new Map(statuses.map((s) => [s, []]));
let ready = 0;
let failed = 0;
const clients = [];

function open(i) {
  return new Promise((resolve) => {
    const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    clients.push(client);
    let first = true;
    client.subscribe({ query, variables: { id: orderId, t: token } }, {
      next: (value) => {
        const now = Date.now();
        if (first) { first = false; ready += 1; resolve(); return; }
        const event = value.data?.orderStatusChanged;
        if (event && arrivals.has(event.status)) arrivals.get(event.status).push(now - Date.parse(event.at));
        check();
      },
      error: (error) => { failed += 1; print({ client: i, error: String(error?.message ?? error?.reason ?? error) }); resolve(); },
      complete: () => {},
    });
  });
}

let reported = 0;
function check() {
  while (reported < statuses.length && arrivals.get(statuses[reported]).length === count) {
    print({ status: statuses[reported], latencies: arrivals.get(statuses[reported]), missing: 0 });
    reported += 1;
  }
  if (reported === statuses.length) finish(0);
}

async function finish(code) {
  await Promise.all(clients.map((c) => c.dispose()));
  process.exit(code);
}

// Connect in waves so the server's accept backlog is not the thing measured.
for (let i = 0; i < count; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, k) => open(i + k)));
}
print({ ready, failed });
// The harness makes the changes now; give up after 60 s and report what arrived.
setTimeout(() => {
  for (let s = reported; s < statuses.length; s++) {
    const got = arrivals.get(statuses[s]);
    print({ status: statuses[s], latencies: got, missing: count - got.length });
  }
  finish(1);
}, 60_000);
