// Drives the official `ollama` npm library against a running gateway's Ollama door.
// Usage: node ollama.mjs <baseURL> <apiKey> <model>
// Prints one JSON line with what the library produced; exits non-zero if it threw where it should not.
import { Ollama } from 'ollama';

const [host, apiKey, model] = process.argv.slice(2);
const ollama = new Ollama({ host, headers: { Authorization: `Bearer ${apiKey}` } });
const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
};

const chat = await ollama.chat({ model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }] });

const pieces = [];
let last = null;
for await (const part of await ollama.chat({ model, messages: [{ role: 'user', content: 'Hello' }], stream: true })) {
  if (part.done) last = part;
  else pieces.push(part.message.content);
}

const generated = [];
for await (const part of await ollama.generate({ model, prompt: 'Hello', stream: true })) {
  if (!part.done) generated.push(part.response);
}

// Tools: the call, then the library's own round trip with the result as a tool turn.
const question = { role: 'user', content: 'What is the weather in Paris?' };
const called = await ollama.chat({ model, messages: [question], tools: [weather] });
const call = called.message.tool_calls[0];
const answered = await ollama.chat({
  model,
  tools: [weather],
  messages: [question, called.message, { role: 'tool', tool_name: call.function.name, content: '18 °C, sunny' }],
});
const streamedCalls = [];
for await (const part of await ollama.chat({ model, messages: [question], tools: [weather], stream: true })) {
  if (part.message?.tool_calls) streamedCalls.push(...part.message.tool_calls);
}

const schema = { type: 'object', properties: { city: { type: 'string' }, temperature: { type: 'number' } }, required: ['city', 'temperature'] };
const structured = await ollama.chat({ model, messages: [{ role: 'user', content: 'Weather as JSON' }], format: schema });

// A 1x1 PNG as bytes: the library base64-encodes it.
const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
const seen = await ollama.chat({ model, messages: [{ role: 'user', content: 'What is this?', images: [png] }] });

const list = await ollama.list();
const show = await ollama.show({ model });
const version = await ollama.version();
const ps = await ollama.ps();

let error = null;
try {
  await ollama.chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] });
} catch (e) {
  error = { name: e.name, status: e.status_code, message: e.error };
}
let pullError = null;
try {
  await ollama.pull({ model: 'llama3' });
} catch (e) {
  pullError = { status: e.status_code, message: e.error };
}

console.log(JSON.stringify({
  chat: chat.message.content,
  chatDone: chat.done_reason,
  evalCount: chat.eval_count,
  streamed: pieces.join(''),
  pieceCount: pieces.length,
  last: { done: last.done, done_reason: last.done_reason, eval_count: last.eval_count, total_duration: last.total_duration },
  generated: generated.join(''),
  call,
  answered: answered.message.content,
  streamedCalls,
  structured: JSON.parse(structured.message.content),
  seen: seen.message.content,
  models: list.models.map((m) => m.name),
  capabilities: show.capabilities,
  version: version.version,
  ps: ps.models,
  error,
  pullError,
}));
