// A complete webhook receiver: verifies every delivery with the package's express middleware
// and prints it. Run: WEBHOOK_SECRET=whsec_... npx tsx examples/receiver.ts [--fail]
// With --fail it answers 500 to everything, to watch the sender retry.
import express from 'express';
import { forjinnWebhook } from '../src/index.js';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('set WEBHOOK_SECRET to the secret the webhook was created with');
  process.exit(2);
}
const fail = process.argv.includes('--fail');
const port = Number(process.env.RECEIVER_PORT ?? 4000);
const seen = new Set<string>();

const app = express();
app.post('/hooks', forjinnWebhook(secret), (req, res) => {
  const id = req.get('webhook-id') ?? '';
  const event = req.body as { event: string; id: string };
  if (fail) {
    console.log(`delivery ${id}: ${event.event} (verified) -> answering 500 on purpose`);
    res.status(500).send('failing on purpose');
    return;
  }
  // Deliveries are at-least-once: the delivery id is stable across retries, so dedupe on it.
  const repeat = seen.has(id);
  seen.add(id);
  console.log(`delivery ${id}: ${event.event} ${event.id} (verified${repeat ? ', repeat' : ''})`);
  res.status(204).end();
});

app.listen(port, '127.0.0.1', () => console.log(`receiver on http://127.0.0.1:${port}/hooks${fail ? ' (failing)' : ''}`));
