// Reply understanding speed: messages per second over our labelled reply set, and very long messages.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interpretReply } from '../src/domain/reply/index.ts';
import { replyFixtureContext } from '../test/reply/reply-context.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cases = fs
  .readFileSync(path.join(root, 'test/fixtures/replies.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { text: string }).text);

for (let i = 0; i < 200; i++) for (const c of cases) interpretReply(c, replyFixtureContext); // warm-up
const n = 20_000;
const t0 = performance.now();
for (let i = 0; i < n; i++) interpretReply(cases[i % cases.length]!, replyFixtureContext);
const ms = performance.now() - t0;
console.log(`interpretReply over ${cases.length} labelled replies: ${((n / ms) * 1000).toFixed(0)} msgs/s, mean ${((ms / n) * 1000).toFixed(1)} µs`);
const huge = '第3项完成60%，'.repeat(20_000);
const t2 = performance.now();
interpretReply(huge, replyFixtureContext);
console.log(`${huge.length}-char message: ${(performance.now() - t2).toFixed(1)} ms`);
// A report written as one long line of numbered points: the list rules must stay linear.
const points = '第3项：' + Array.from({ length: 450 }, (_, i) => `${(i % 9) + 1}.完成${(i * 7) % 100}%`).join(' ');
const t3 = performance.now();
interpretReply(points.slice(0, 4000), replyFixtureContext);
console.log(`${Math.min(points.length, 4000)}-char one-line list of points: ${(performance.now() - t3).toFixed(1)} ms`);
