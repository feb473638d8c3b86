// Runs graphql-http's server audits against a running server and prints one line per audit.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
// Exit code 1 when any MUST fails; the last line is a JSON summary for the calling test.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <url>');
  process.exit(2);
}
const results = [];
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const line = { id: audit.id, name: audit.name, status: result.status, reason: result.reason ?? null };
  results.push(line);
  console.log(`${result.status.padEnd(7)} ${audit.name}${result.reason ? ` -- ${result.reason}` : ''}`);
}
const summary = {
  ok: results.filter((r) => r.status === 'ok').length,
  warn: results.filter((r) => r.status === 'warn').map((r) => r.name),
  error: results.filter((r) => r.status === 'error').map((r) => r.name),
};
console.log(JSON.stringify(summary));
process.exit(summary.error.length > 0 ? 1 : 0);
