// Drives the `openai` npm package's Responses API against a running gateway.
// Usage: node openai-responses.mjs <baseURL> <apiKey> <model>
// The fake upstream answers, in order: a text, a streamed text, a function call, then two final answers.
// Prints one JSON line with what the SDK produced; exits non-zero if the SDK threw.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });

const created = await client.responses.create({ model, instructions: 'Be brief.', input: 'Hello' });

const deltas = [];
const stream = client.responses.stream({ model, input: [{ role: 'user', content: 'Hello' }] });
stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
const streamed = await stream.finalResponse();

const tools = [{
  type: 'function', name: 'get_weather', description: 'Weather for a city.', strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}];
const question = [{ role: 'user', content: 'Weather in Paris?' }];
const asked = await client.responses.create({ model, input: question, tools });
const call = asked.output.find((item) => item.type === 'function_call');

// The whole history sent back, store off, as coding agents do...
const answered = await client.responses.create({
  model, tools, store: false,
  input: [...question, ...asked.output, { type: 'function_call_output', call_id: call.call_id, output: '18 C, sunny' }],
});
// ...and the same continued from the stored response.
const continued = await client.responses.create({
  model, tools, previous_response_id: asked.id,
  input: [{ type: 'function_call_output', call_id: call.call_id, output: '18 C, sunny' }],
});

const retrieved = await client.responses.retrieve(continued.id);
let error = null;
try {
  await client.responses.retrieve('resp_unknown');
} catch (e) {
  error = { status: e.status, name: e.constructor.name };
}

console.log(JSON.stringify({
  created: created.output_text,
  createdStatus: created.status,
  streamed: streamed.output_text,
  streamedStatus: streamed.status,
  deltaCount: deltas.length,
  deltas: deltas.join(''),
  usage: streamed.usage,
  call: { name: call.name, arguments: call.arguments, callId: call.call_id, status: call.status },
  answered: answered.output_text,
  continued: continued.output_text,
  retrievedId: retrieved.id === continued.id,
  error,
}));
