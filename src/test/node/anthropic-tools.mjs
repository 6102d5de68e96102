// Tool use through the official `@anthropic-ai/sdk` npm package: tool_use blocks in both modes,
// text + tool_use, two parallel calls, tool_result follow-ups (string content, content blocks,
// is_error), the SDK's own agent loop (beta.messages.toolRunner with a zod tool), and
// structured output with messages.parse() and zodOutputFormat.
// The JUnit wrapper (AnthropicNodeToolsIT) scripts the upstream's replies in this order.
// Usage: node anthropic-tools.mjs <baseURL> <apiKey> <model>
import Anthropic from '@anthropic-ai/sdk';
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { z } from 'zod';
import { args, equal, ok, run } from './check.mjs';

const { baseURL, apiKey, model } = args();
const client = new Anthropic({ baseURL, apiKey, maxRetries: 0 });
const FINAL = 'It is 18 °C and sunny in Paris.';
const question = { role: 'user', content: 'What is the weather in Paris?' };
const tools = [
  {
    name: 'get_weather', description: 'Weather forecast for a city.',
    input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
  {
    name: 'get_time', description: 'Current time in a zone.',
    input_schema: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
  },
];
const request = { model, max_tokens: 1024, tools, messages: [question] };

/** The blocks without their ids (checked apart), text trimmed of the newline before the call block. */
function outline(message) {
  return message.content.map((b) => (b.type === 'text' ? { type: 'text', text: b.text.trim() } : { type: b.type, name: b.name, input: b.input }));
}

function checkIds(message, what) {
  const ids = message.content.filter((b) => b.type === 'tool_use').map((b) => b.id);
  ok(ids.every((id) => /^toolu_/.test(id)), `${what}: tool_use ids ${ids} should start with toolu_`);
  equal(new Set(ids).size, ids.length, `${what}: distinct tool_use ids`);
  return ids;
}

async function streamed(params) {
  const stream = client.messages.stream(params);
  const inputJson = [];
  stream.on('inputJson', (partial) => inputJson.push(partial));
  const message = await stream.finalMessage();
  return { message, inputJson };
}

await run(async () => {
  const oneCall = [
    { type: 'text', text: 'Let me check.' },
    { type: 'tool_use', name: 'get_weather', input: { city: 'Paris', days: 3 } },
  ];
  const twoCalls = [
    { type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } },
    { type: 'tool_use', name: 'get_time', input: { zone: 'Europe/Paris' } },
  ];

  const created = await client.messages.create(request);
  equal(outline(created), oneCall, 'create: content');
  equal(created.stop_reason, 'tool_use', 'create: stop_reason');
  checkIds(created, 'create');

  const one = await streamed(request);
  equal(outline(one.message), oneCall, 'stream: content rebuilt by finalMessage()');
  equal(one.message.stop_reason, 'tool_use', 'stream: stop_reason');
  ok(one.inputJson.length > 0, 'stream: the input should arrive as input_json_delta');
  const [streamedId] = checkIds(one.message, 'stream');

  const parallel = await client.messages.create(request);
  equal(outline(parallel), twoCalls, 'create: two parallel tool_use blocks');
  checkIds(parallel, 'create, parallel');
  const two = await streamed(request);
  equal(outline(two.message), twoCalls, 'stream: two parallel tool_use blocks');
  equal(two.message.stop_reason, 'tool_use', 'stream, parallel: stop_reason');
  const parallelIds = checkIds(two.message, 'stream, parallel');

  // Follow-ups: the assistant's turn as the SDK returned it, then tool_result blocks.
  const answer = await client.messages.create({
    ...request,
    messages: [question, { role: 'assistant', content: one.message.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: streamedId, content: '18 °C, sunny' }] }],
  });
  equal(outline(answer), [{ type: 'text', text: FINAL }], 'follow-up: the answer');
  equal(answer.stop_reason, 'end_turn', 'follow-up: stop_reason');

  await client.messages.create({
    ...request,
    messages: [question, { role: 'assistant', content: two.message.content },
      {
        role: 'user', content: [
          { type: 'tool_result', tool_use_id: parallelIds[0], content: [{ type: 'text', text: 'sunny' }, { type: 'text', text: 'wind 10 km/h' }] },
          { type: 'tool_result', tool_use_id: parallelIds[1], content: 'unknown time zone', is_error: true },
          { type: 'text', text: 'Summarise, please.' },
        ],
      }],
  });

  // The SDK's agent loop: it runs the tool and sends the result back until the model is done.
  const runnerCalls = [];
  const getWeather = betaZodTool({
    name: 'get_weather', description: 'Weather forecast for a city.',
    inputSchema: z.object({ city: z.string(), days: z.number().int().optional() }),
    run: (input) => {
      runnerCalls.push(input);
      return '18 °C, sunny';
    },
  });
  const final = await client.beta.messages.toolRunner({ model, max_tokens: 1024, tools: [getWeather], messages: [question] });
  equal(runnerCalls, [{ city: 'Paris', days: 3 }], 'toolRunner: the tool ran with');
  equal(outline(final), [{ type: 'text', text: FINAL }], 'toolRunner: the final message');

  // messages.parse() with zodOutputFormat: a reply that fits is parsed; one that does not is the gateway's error.
  const Forecast = z.object({ city: z.string(), temperature: z.number(), conditions: z.array(z.string()) });
  const parseRequest = { model, max_tokens: 1024, messages: [question], output_config: { format: zodOutputFormat(Forecast) } };
  const parsed = await client.messages.parse(parseRequest);
  equal(parsed.parsed_output, { city: 'Paris', temperature: 18.5, conditions: ['sunny'] }, 'parse: parsed_output');
  let invalid = null;
  try {
    await client.messages.parse(parseRequest);
  } catch (e) {
    invalid = { status: e.status, type: e.error?.error?.type ?? null, message: e.message };
  }
  ok(invalid, 'parse: a reply off the schema should have been an error');
  equal([invalid.status, invalid.type], [502, 'api_error'], 'parse: the error for a reply off the schema');

  return { streamedId, parallelIds, invalid };
});
