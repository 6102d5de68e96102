// Tool calls through the Vercel AI SDK (`ai` with `@ai-sdk/openai-compatible`): generateText and
// streamText run zod-typed tools over several steps and come back with the final text.
// The JUnit wrapper (AiSdkIT) scripts the upstream's replies in this order.
// Usage: node ai-sdk.mjs <baseURL> <apiKey> <model>
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, isStepCount, streamText, tool } from 'ai';
import { z } from 'zod';
import { args, equal, ok, run } from './check.mjs';

const { baseURL, apiKey, model } = args();
const e2b = createOpenAICompatible({ name: 'e2b', baseURL, apiKey });
const FINAL = 'It is 18 °C and sunny in Paris.';

function tools(calls) {
  return {
    get_weather: tool({
      description: 'Weather forecast for a city.',
      inputSchema: z.object({ city: z.string(), days: z.number().int().optional() }),
      execute: async (input) => {
        calls.push(['get_weather', input]);
        return '18 °C, sunny';
      },
    }),
    get_time: tool({
      description: 'Current time in a zone.',
      inputSchema: z.object({ zone: z.string() }),
      execute: async (input) => {
        calls.push(['get_time', input]);
        return '12:00';
      },
    }),
  };
}

const request = { model: e2b(model), prompt: 'What is the weather in Paris?', stopWhen: isStepCount(3), maxRetries: 0 };

await run(async () => {
  const generated = [];
  const result = await generateText({ ...request, tools: tools(generated) });
  equal(generated, [['get_weather', { city: 'Paris', days: 3 }]], 'generateText: the tool ran with');
  equal(result.text, FINAL, 'generateText: the final text');
  equal(result.steps.length, 2, 'generateText: steps');
  equal(result.steps[0].finishReason, 'tool-calls', 'generateText: the first step\'s finishReason');
  equal(result.finishReason, 'stop', 'generateText: finishReason');
  const [call] = result.steps[0].toolCalls;
  ok(/^call_/.test(call.toolCallId), `generateText: toolCallId ${call.toolCallId} should start with call_`);
  equal(result.steps[0].toolResults.map((r) => r.output), ['18 °C, sunny'], 'generateText: the tool results');

  const streamedCalls = [];
  const streamed = streamText({ ...request, tools: tools(streamedCalls) });
  const parts = [];
  for await (const part of streamed.fullStream) {
    if (part.type === 'error') throw part.error;
    parts.push(part);
  }
  equal(streamedCalls, [['get_weather', { city: 'Paris' }], ['get_time', { zone: 'Europe/Paris' }]], 'streamText: the tools ran with');
  equal(await streamed.text, FINAL, 'streamText: the final text');
  const steps = await streamed.steps;
  equal(steps.length, 2, 'streamText: steps');
  equal(steps[0].finishReason, 'tool-calls', 'streamText: the first step\'s finishReason');
  const toolCalls = parts.filter((p) => p.type === 'tool-call');
  equal(toolCalls.map((p) => [p.toolName, p.input]), [['get_weather', { city: 'Paris' }], ['get_time', { zone: 'Europe/Paris' }]],
    'streamText: tool-call parts');
  ok(parts.some((p) => p.type === 'tool-input-start'), 'streamText: no tool-input-start part');
  equal(parts.filter((p) => p.type === 'tool-result').map((p) => p.output), ['18 °C, sunny', '12:00'], 'streamText: tool-result parts');

  return { generatedCallId: call.toolCallId, streamedCallIds: toolCalls.map((p) => p.toolCallId) };
});
