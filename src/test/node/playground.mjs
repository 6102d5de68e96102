// Drives the playground page in headless Chromium (Debian's) with playwright-core.
// Usage: node playground.mjs <gatewayBase> <apiKey> <screenshotDir>
// Prints one JSON line with what the page showed; exits non-zero on any failure.
import { chromium } from 'playwright-core';

const [base, key, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  // The machine has no internet: keep Chromium from calling home.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-default-apps', '--no-default-browser-check'],
});
const result = { external: [], consoleErrors: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('request', (r) => { if (!r.url().startsWith(base)) result.external.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });

  await page.goto(base + '/');
  result.version = await page.textContent('#version');
  result.upstream = await page.textContent('#upstream');
  await page.waitForFunction(() => document.querySelector('#health').textContent === 'ok');

  result.modelsBeforeKey = await page.$$eval('#model option', (os) => os.map((o) => o.textContent));
  await page.fill('#key', key);
  await page.click('#save-key');
  await page.waitForSelector('#model option[value="gpt-4o"]', { state: 'attached' });
  result.groups = await page.$$eval('#model optgroup', (gs) => gs.map((g) => g.label));
  await page.selectOption('#model', 'gpt-4o');
  await page.fill('#system', 'Be brief.');
  await page.fill('#max-tokens', '500');

  // 1. A reply that streams in: record every length the text takes while it grows.
  await page.fill('#prompt', 'Hello <b>there</b>');
  await page.click('#send');
  const seen = new Set();
  const lastReply = '#chat .msg.assistant:last-of-type';
  for (let i = 0; i < 1000; i++) {
    const text = await page.$eval(lastReply + ' .text', (e) => e.textContent).catch(() => '');
    if (text) seen.add(text.length);
    if (await page.$(lastReply + ' .stats')) break;
    await page.waitForTimeout(20);
  }
  result.growthSteps = seen.size;
  result.reply = await page.textContent(lastReply + ' .text');
  result.stats = await page.textContent(lastReply + ' .stats');
  result.userBubbleHtml = await page.$eval('#chat .msg.user .text', (e) => e.innerHTML);
  await page.screenshot({ path: shots + '/playground-desktop.png', fullPage: true });

  // 2. A long reply, stopped halfway.
  await page.fill('#prompt', 'Tell me a long story');
  await page.click('#send');
  await page.waitForFunction(() => {
    const m = document.querySelectorAll('#chat .msg.assistant');
    return m.length === 2 && m[1].querySelector('.text').textContent.length > 20;
  });
  await page.click('#stop');
  await page.waitForSelector('#chat .msg.assistant:nth-of-type(4) .stats, #chat .msg.assistant:last-of-type .stats');
  result.stoppedStats = await page.textContent(lastReply + ' .stats');
  const stoppedText = await page.textContent(lastReply + ' .text');
  await page.waitForTimeout(700);
  result.stoppedGrewAfterStop = (await page.textContent(lastReply + ' .text')).length !== stoppedText.length;
  result.stoppedLength = stoppedText.length;

  // 3. An upstream 429: the gateway's message and status, not a blank bubble.
  await page.fill('#prompt', 'One more');
  await page.click('#send');
  await page.waitForSelector('#chat .msg.error');
  result.error = await page.textContent('#chat .msg.error .text');

  // 4. A reply the upstream cuts off mid-stream: the text so far stays, and the error says it was cut off.
  await page.fill('#prompt', 'And another');
  await page.click('#send');
  await page.waitForFunction(() => document.querySelectorAll('#chat .msg.error').length === 2);
  result.cutError = await page.$$eval('#chat .msg.error .text', (e) => e[1].textContent);

  // 5. "Run code": the model's cell streams in with its code, its output and its image, then the answer.
  await page.check('#run-code');
  await page.fill('#prompt', 'Plot a line');
  await page.click('#send');
  await page.waitForSelector(lastReply + ' .stats');
  result.cellCode = await page.textContent(lastReply + ' .cell .code');
  result.cellOutput = await page.textContent(lastReply + ' .cell .out');
  result.cellHead = await page.textContent(lastReply + ' .cell .cell-head');
  result.cellImage = await page.$eval(lastReply + ' .cell img', (img) => ({ src: img.src.slice(0, 22), width: img.naturalWidth }));
  result.codeTexts = await page.$$eval(lastReply + ' .text', (els) => els.map((e) => e.textContent));
  result.codeStats = await page.textContent(lastReply + ' .stats');
  await page.screenshot({ path: shots + '/playground-code.png', fullPage: true });

  // 6. The Gemini API: the same chat through /v1beta/models/{model}:streamGenerateContent?alt=sse.
  await page.uncheck('#run-code');
  await page.selectOption('#api', 'gemini');
  await page.fill('#prompt', 'Hello through Gemini');
  await page.click('#send');
  await page.waitForFunction(() => document.querySelectorAll('#chat .msg.assistant .stats').length === 5);
  result.geminiReply = await page.textContent(lastReply + ' .text');
  result.geminiStats = await page.textContent(lastReply + ' .stats');

  // 7. The same chat over the Ollama door: NDJSON lines streamed into the bubble, its counts in the stats.
  await page.selectOption('#api', 'ollama');
  const replies = await page.$$eval('#chat .msg.assistant', (m) => m.length);
  await page.fill('#prompt', 'Hello over Ollama');
  await page.click('#send');
  await page.waitForFunction((n) => document.querySelectorAll('#chat .msg.assistant').length === n + 1
      && document.querySelector('#chat .msg.assistant:last-of-type .stats'), replies);
  result.ollamaReply = await page.textContent(lastReply + ' .text');
  result.ollamaStats = await page.textContent(lastReply + ' .stats');

  // Phone width, dark mode.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shots + '/playground-phone-dark.png', fullPage: true });
  result.phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
