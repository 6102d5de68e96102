// The `openai` npm package's Responses API with the built-in code interpreter against a running
// gateway (E2B_CODE_INTERPRETER=on). Usage: node openai-code-interpreter.mjs <baseURL> <apiKey> <model>
// The fake model, in order: calls python then answers (created), the same (streamed), then one
// answer for the turn continued with previous_response_id. The fake sandbox prints 42 each time.
// Prints one JSON line; exits non-zero if the SDK threw.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const tools = [{ type: 'code_interpreter', container: { type: 'auto' } }];
const include = ['code_interpreter_call.outputs'];

const created = await client.responses.create({ model, input: 'What is 6 times 7?', tools, include });

const eventTypes = [];
let code = '';
const stream = client.responses.stream({ model, input: 'What is 6 times 7?', tools, include });
stream.on('event', (event) => eventTypes.push(event.type));
stream.on('response.code_interpreter_call_code.delta', (event) => { code += event.delta; });
const streamed = await stream.finalResponse();

const continued = await client.responses.create({ model, input: 'And doubled?', tools, previous_response_id: created.id });

const cell = (response) => response.output.find((item) => item.type === 'code_interpreter_call');
console.log(JSON.stringify({
  createdTypes: created.output.map((item) => item.type),
  createdCell: cell(created),
  createdText: created.output_text,
  streamedTypes: streamed.output.map((item) => item.type),
  streamedCell: cell(streamed),
  streamedText: streamed.output_text,
  eventTypes: [...new Set(eventTypes)],
  code,
  continued: continued.output_text,
}));
