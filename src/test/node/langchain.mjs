// Tool calls through LangChain JS (`@langchain/openai`'s ChatOpenAI on the chat completions API):
// bindTools + invoke gives an AIMessage with tool_calls, a ToolMessage follow-up gets the final
// text, streaming chunks concatenate into the same calls, withStructuredOutput parses a schema reply.
// The JUnit wrapper (LangChainIT) scripts the upstream's replies in this order.
// Usage: node langchain.mjs <baseURL> <apiKey> <model>
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { args, equal, ok, run } from './check.mjs';

const { baseURL, apiKey, model } = args();
const chat = new ChatOpenAI({ model, apiKey, configuration: { baseURL }, maxRetries: 0 });
const FINAL = 'It is 18 °C and sunny in Paris.';

const calls = [];
const getWeather = tool(async (input) => {
  calls.push(input);
  return '18 °C, sunny';
}, {
  name: 'get_weather', description: 'Weather forecast for a city.',
  schema: z.object({ city: z.string(), days: z.number().int().optional() }),
});
const getTime = tool(async () => '12:00', {
  name: 'get_time', description: 'Current time in a zone.', schema: z.object({ zone: z.string() }),
});
const bound = chat.bindTools([getWeather, getTime]);
const question = new HumanMessage('What is the weather in Paris?');

const outline = (toolCalls) => toolCalls.map((c) => ({ name: c.name, args: c.args }));

await run(async () => {
  const ai = await bound.invoke([question]);
  equal(outline(ai.tool_calls), [{ name: 'get_weather', args: { city: 'Paris', days: 3 } }], 'invoke: tool_calls');
  ok(/^call_/.test(ai.tool_calls[0].id), `invoke: tool call id ${ai.tool_calls[0].id} should start with call_`);
  equal(ai.invalid_tool_calls ?? [], [], 'invoke: invalid_tool_calls');
  equal(ai.response_metadata?.finish_reason, 'tool_calls', 'invoke: finish_reason');

  const toolMessage = await getWeather.invoke(ai.tool_calls[0]);
  equal(calls, [{ city: 'Paris', days: 3 }], 'the tool ran with');
  const answer = await bound.invoke([question, ai, toolMessage]);
  equal(answer.content, FINAL, 'follow-up: the answer');
  equal(answer.tool_calls, [], 'follow-up: no more tool calls');

  let merged;
  for await (const chunk of await bound.stream([question])) merged = merged === undefined ? chunk : merged.concat(chunk);
  equal(outline(merged.tool_calls), [{ name: 'get_weather', args: { city: 'Paris' } }, { name: 'get_time', args: { zone: 'Europe/Paris' } }],
    'stream: tool_calls of the concatenated chunks');
  ok(merged.tool_calls.every((c) => /^call_/.test(c.id)), 'stream: ids should start with call_');
  equal(merged.invalid_tool_calls ?? [], [], 'stream: invalid_tool_calls');

  const structured = chat.withStructuredOutput(
    z.object({ city: z.string(), temperature: z.number(), conditions: z.array(z.string()) }), { name: 'forecast' });
  equal(await structured.invoke([question]), { city: 'Paris', temperature: 18.5, conditions: ['sunny'] }, 'withStructuredOutput');

  return { callId: ai.tool_calls[0].id };
});
