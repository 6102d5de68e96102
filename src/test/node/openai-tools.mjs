// Tool calls and structured output through the official `openai` npm package: runTools (both
// modes) running a real function, chat.completions.stream with tools, parse() with zod.
// The JUnit wrapper (OpenAiNodeToolsIT) scripts the upstream's replies in this order.
// Usage: node openai-tools.mjs <baseURL> <apiKey> <model>
import OpenAI from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { args, equal, ok, run } from './check.mjs';

const { baseURL, apiKey, model } = args();
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const question = [{ role: 'user', content: 'What is the weather in Paris?' }];
const FINAL = 'It is 18 °C and sunny in Paris.';

function weatherTool(calls) {
  return {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather forecast for a city.',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer' } },
        required: ['city'],
      },
      parse: JSON.parse,
      function: (input) => {
        calls.push(input);
        return '18 °C, sunny';
      },
    },
  };
}

const timeTool = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'Current time in a zone.',
    parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
  },
};

async function agentLoop(stream) {
  const calls = [];
  const runner = client.chat.completions.runTools({ model, messages: question, tools: [weatherTool(calls)], stream });
  let streamedText = '';
  if (stream) runner.on('content', (delta) => (streamedText += delta));
  const finalContent = await runner.finalContent();
  const mode = stream ? 'streaming runTools' : 'runTools';
  equal(calls, [{ city: 'Paris', days: 3 }], `${mode}: the arguments the function was called with`);
  equal(finalContent, FINAL, `${mode}: the final text`);
  const completions = runner.allChatCompletions();
  equal(completions.length, 2, `${mode}: chat completions in the run`);
  equal(completions[0].choices[0].finish_reason, 'tool_calls', `${mode}: the first turn's finish_reason`);
  const toolMessage = runner.messages.find((m) => m.role === 'tool');
  ok(toolMessage, `${mode}: no tool message in the run's messages`);
  ok(/^call_/.test(toolMessage.tool_call_id), `${mode}: tool_call_id ${toolMessage.tool_call_id} should start with call_`);
  if (stream) ok(streamedText.includes(FINAL), `${mode}: streamed content ${JSON.stringify(streamedText)}`);
  return toolMessage.tool_call_id;
}

await run(async () => {
  const runToolsCallId = await agentLoop(false);
  const streamingRunToolsCallId = await agentLoop(true);

  // chat.completions.stream with two parallel calls: the final completion and the arguments.done events.
  const stream = client.chat.completions.stream({ model, messages: question, tools: [weatherTool([]), timeTool] });
  const done = [];
  stream.on('tool_calls.function.arguments.done', (e) => done.push([e.name, e.arguments]));
  const streamed = await stream.finalChatCompletion();
  const message = streamed.choices[0].message;
  equal(streamed.choices[0].finish_reason, 'tool_calls', 'stream: finish_reason');
  equal(message.tool_calls.map((c) => [c.type, c.function.name, JSON.parse(c.function.arguments)]),
    [['function', 'get_weather', { city: 'Paris' }], ['function', 'get_time', { zone: 'Europe/Paris' }]], 'stream: tool_calls');
  ok(message.tool_calls.every((c) => /^call_/.test(c.id)), 'stream: ids should start with call_');
  ok(new Set(message.tool_calls.map((c) => c.id)).size === 2, 'stream: the two ids should differ');
  equal(done.map(([name]) => name), ['get_weather', 'get_time'], 'stream: tool_calls.function.arguments.done events');

  // parse() with a zod-typed strict function tool: the SDK parses the arguments.
  const parsedTool = await client.chat.completions.parse({
    model, messages: question,
    tools: [zodFunction({ name: 'get_weather', parameters: z.object({ city: z.string(), days: z.number().int() }) })],
  });
  equal(parsedTool.choices[0].message.tool_calls[0].function.parsed_arguments, { city: 'Paris', days: 3 },
    'parse: parsed_arguments of a zodFunction tool');

  // parse() with zodResponseFormat: a reply that fits is parsed, one that does not is an error.
  const Forecast = z.object({ city: z.string(), temperature: z.number(), conditions: z.array(z.string()) });
  const format = zodResponseFormat(Forecast, 'forecast');
  const parsed = await client.chat.completions.parse({ model, messages: question, response_format: format });
  equal(parsed.choices[0].message.parsed, { city: 'Paris', temperature: 18.5, conditions: ['sunny'] }, 'parse: message.parsed');

  let invalid = null;
  try {
    await client.chat.completions.parse({ model, messages: question, response_format: format });
  } catch (e) {
    invalid = { status: e.status, name: e.constructor.name, code: e.code ?? null, message: e.message };
  }
  ok(invalid, 'parse: a reply off the schema should have been an error');
  equal([invalid.status, invalid.code], [502, 'invalid_model_output'], 'parse: the error for a reply off the schema');

  const streamedFormat = client.chat.completions.stream({ model, messages: question, response_format: format });
  const streamedParsed = (await streamedFormat.finalChatCompletion()).choices[0].message.parsed;
  equal(streamedParsed, { city: 'Paris', temperature: 18.5, conditions: ['sunny'] }, 'stream: message.parsed');

  return { runToolsCallId, streamingRunToolsCallId, invalid };
});
