// @anthropic-ai/sdk with the code execution tool (code_execution_20250522) against a running
// gateway (E2B_CODE_INTERPRETER=on), through the beta client (which sends the anthropic-beta
// header) and the plain one. Usage: node anthropic-code-execution.mjs <baseURL> <apiKey> <model>
// The fake model, in order: calls python then answers (created), the same (streamed). The fake
// sandbox prints 42 each time. Prints one JSON line; exits non-zero if the SDK threw.
import Anthropic from '@anthropic-ai/sdk';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey, maxRetries: 0 });
const request = {
  model, max_tokens: 1024, betas: ['code-execution-2025-05-22'],
  tools: [{ type: 'code_execution_20250522', name: 'code_execution' }],
  messages: [{ role: 'user', content: 'What is 6 times 7?' }],
};

const created = await client.beta.messages.create(request);

const { betas, ...plain } = request;
const stream = client.messages.stream(plain);
const blockTypes = [];
stream.on('streamEvent', (event) => { if (event.type === 'content_block_start') blockTypes.push(event.content_block.type); });
const streamed = await stream.finalMessage();

const outline = (message) => message.content.map((block) => block.type);
const result = (message) => message.content.find((block) => block.type === 'code_execution_tool_result');
const use = (message) => message.content.find((block) => block.type === 'server_tool_use');
console.log(JSON.stringify({
  created: outline(created),
  createdUse: use(created),
  createdResult: result(created),
  createdStop: created.stop_reason,
  streamed: outline(streamed),
  streamedUse: use(streamed),
  streamedResult: result(streamed),
  streamedStop: streamed.stop_reason,
  blockTypes,
  text: streamed.content.filter((block) => block.type === 'text').map((block) => block.text).join(''),
}));
