// Drives the official `@anthropic-ai/sdk` npm package against a running gateway.
// Usage: node anthropic-sdk.mjs <baseURL> <apiKey> <model>
// Prints one JSON line with what the SDK produced; exits non-zero if the SDK threw.
import Anthropic from '@anthropic-ai/sdk';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey, maxRetries: 0 });
const request = { model, max_tokens: 512, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] };

const created = await client.messages.create(request);

const raw = await client.messages.create({ ...request, stream: true });
const rawEvents = [];
let rawText = '';
for await (const event of raw) {
  rawEvents.push(event.type);
  if (event.type === 'content_block_delta') rawText += event.delta.text;
}

const deltas = [];
const stream = client.messages.stream(request);
stream.on('text', (text) => deltas.push(text));
const final = await stream.finalMessage();

let error = null;
try {
  await client.messages.create({ ...request, model: 'no-such-model' });
} catch (e) {
  error = { status: e.status, name: e.constructor.name, type: e.error?.error?.type ?? null };
}

console.log(JSON.stringify({
  created: created.content[0].text,
  createdStop: created.stop_reason,
  rawText,
  rawEvents,
  streamed: final.content[0].text,
  streamedStop: final.stop_reason,
  usage: final.usage,
  deltaCount: deltas.length,
  error,
}));
