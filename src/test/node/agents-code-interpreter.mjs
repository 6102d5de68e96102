// An OpenAI Agents SDK (@openai/agents) agent with the hosted codeInterpreterTool against a
// running gateway (E2B_CODE_INTERPRETER=on). Usage: node agents-code-interpreter.mjs <baseURL> <apiKey> <model>
// The fake model, in order: calls python then answers (run), the same (streamed run), then one
// answer for the conversation continued from the streamed run's history (its cell items sent back
// as input). The fake sandbox fails (500) for the first run and prints 42 for the second.
// Prints one JSON line; exits non-zero if the SDK threw.
import { Agent, codeInterpreterTool, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled } from '@openai/agents';
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
setTracingDisabled(true); // traces would otherwise go to api.openai.com
setOpenAIAPI('responses');
setDefaultOpenAIClient(new OpenAI({ baseURL, apiKey, maxRetries: 0 }));

const agent = new Agent({ name: 'Calculator', instructions: 'Compute with code.', model, tools: [codeInterpreterTool()] });
const result = await run(agent, 'What is 6 times 7?');

const streamed = await run(agent, 'What is 6 times 7?', { stream: true });
const rawTypes = new Set();
for await (const event of streamed) {
  if (event.type === 'raw_model_stream_event' && event.data.type === 'model') rawTypes.add(event.data.event?.type);
}
await streamed.completed;

const continued = await run(agent, [...streamed.history, { role: 'user', content: 'And doubled?' }]);

const hosted = (items) => items.filter((item) => item.type === 'tool_call_item').map((item) => item.rawItem);
console.log(JSON.stringify({
  final: result.finalOutput,
  items: result.newItems.map((item) => item.type),
  hosted: hosted(result.newItems),
  streamedFinal: streamed.finalOutput,
  streamedHosted: hosted(streamed.newItems),
  rawTypes: [...rawTypes],
  historyTypes: streamed.history.map((item) => item.type),
  continued: continued.finalOutput,
}));
