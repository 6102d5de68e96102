// Drives the official `openai` npm package against a running gateway.
// Usage: node openai-sdk.mjs <baseURL> <apiKey> <model>
// Prints one JSON line with what the SDK produced; exits non-zero if the SDK threw.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });

const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }];

const created = await client.chat.completions.create({ model, messages });

const deltas = [];
const stream = client.chat.completions.stream({ model, messages, stream_options: { include_usage: true } });
stream.on('content', (delta) => deltas.push(delta));
const final = await stream.finalChatCompletion();

const raw = await client.chat.completions.create({ model, messages, stream: true });
let rawText = '';
for await (const chunk of raw) rawText += chunk.choices[0]?.delta?.content ?? '';

let error = null;
try {
  await client.models.retrieve('no-such-model');
} catch (e) {
  error = { status: e.status, name: e.constructor.name, requestID: e.requestID ?? null };
}

console.log(JSON.stringify({
  created: created.choices[0].message.content,
  streamed: final.choices[0].message.content,
  finishReason: final.choices[0].finish_reason,
  usage: final.usage,
  deltaCount: deltas.length,
  rawText,
  error,
}));
