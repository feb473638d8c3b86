// The graphql-ws client as a mobile app following its orders: authenticates in connection_init and prints one JSON
// line per myOrderUpdates event as it arrives, with the local receive time (ms since epoch) for latency checks.
// Usage: node order-updates.mjs ws://HOST:PORT/graphql ACCESS_TOKEN
// Lines: {"connected":true}, {"event":{...},"receivedAt":N}, {"errors":[...]}, {"closed":CODE,"reason":"..."}.
// Runs until stdin closes or the server ends the subscription (exit 0), or on an error (exit 1).
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: false,
  retryAttempts: 0,
  connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
  on: {
    connected: () => print({ connected: true }),
    closed: (event) => print({ closed: event?.code, reason: event?.reason }),
  },
});

client.subscribe(
  { query: 'subscription { myOrderUpdates { status previousStatus at note order { id } } }' },
  {
    next: (value) => {
      const receivedAt = Date.now();
      if (value.errors) print({ errors: value.errors, receivedAt });
      else print({ event: value.data.myOrderUpdates, receivedAt });
    },
    error: (error) => {
      print({ error: String(error?.message ?? error?.reason ?? JSON.stringify(error)) });
      process.exit(1);
    },
    complete: () => process.exit(0),
  },
);

// The test ends the subscriber by closing its stdin.
process.stdin.resume();
process.stdin.on('end', async () => {
  await client.dispose();
  process.exit(0);
});
