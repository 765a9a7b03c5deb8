import { expect } from 'vitest';
import type { DemoReport, StoryResult } from '../src/stories.js';

function story(report: DemoReport, title: string): StoryResult {
  const found = report.stories.find((s) => s.title.startsWith(title));
  if (!found) throw new Error(`no story "${title}" in the report`);
  return found;
}

/** What every store must measure: one charge per story, and the answers the README promises. */
export function expectStoriesHeld(report: DemoReport): void {
  const lost = story(report, 'A retry after a lost response');
  expect(lost.answers).toEqual({ 201: 2 });
  expect(lost.charges).toBe(1);
  expect(lost.lines.join('\n')).toContain('the same charge');

  const clicks = story(report, 'A double click');
  expect(clicks.requests).toBe(20);
  expect(clicks.charges).toBe(1);
  expect((clicks.answers[201] ?? 0) + (clicks.answers[409] ?? 0)).toBe(20);
  expect(clicks.lines).toContain('distinct charge ids returned: 1');
  expect(clicks.lines[0]).toMatch(/^1 ran, /);

  const misuse = story(report, 'The same key with a different amount');
  expect(misuse.answers).toEqual({ 201: 1, 422: 1 });
  expect(misuse.charges).toBe(1);

  const failure = story(report, 'The provider fails');
  expect(failure.answers).toEqual({ 502: 1, 201: 1 });
  expect(failure.charges).toBe(1);

  const webhook = story(report, 'A webhook delivered three times');
  expect(webhook.answers).toEqual({ 201: 1, 200: 3 });
  expect(webhook.applied).toBe(1);
  expect(webhook.charges).toBe(0);

  const clientLost = story(report, '@oncely/client: the answer is lost');
  // Per attempt the client made: the first answer was lost, the retry got the replay.
  expect(clientLost.answers).toEqual({ 'no answer': 1, 201: 1 });
  expect(clientLost.requests).toBe(2);
  expect(clientLost.charges).toBe(1);
  expect(clientLost.lines[0]).toMatch(/1: no answer, 2: 201 replayed$/);
  expect(clientLost.lines[1]).toContain('the charge the API made');

  const clientClicks = story(report, '@oncely/client: a double click');
  // Per attempt: each of the 10 calls ends with a 201 (one ran, the others replayed); every
  // other attempt was a 409 the client waited out.
  expect(clientClicks.answers[201]).toBe(10);
  expect((clientClicks.answers[201] ?? 0) + (clientClicks.answers[409] ?? 0)).toBe(
    clientClicks.requests,
  );
  expect(clientClicks.charges).toBe(1);
  expect(clientClicks.lines).toContain('distinct charge ids returned: 1');

  const frozen = story(report, 'A worker freezes mid-charge');
  // A retry during the lease: 409; after it: 201; the frozen attempt's own answer: 409.
  expect(frozen.answers).toEqual({ 409: 2, 201: 1 });
  expect(frozen.charges).toBe(1);
  expect(frozen.staleRefused).toBe(1);

  expectQueueStoryHeld(story(report, 'A queue consumer crashes before its ack'));

  const text = report.stories.flatMap((s) => s.lines).join('\n');
  expect(text).not.toContain('wrong!');
}

/** 6 messages, 4 orders: each shipped once; the crashed consumer's message came back and replayed. */
export function expectQueueStoryHeld(queue: StoryResult): void {
  expect(queue.shipments).toEqual({ orders: 4, shipments: 4 });
  expect(queue.answers).toEqual({ 'ack executed': 4, 'ack replayed': 3 });
  expect(queue.requests).toBe(7);
  expect(queue.measured).toContain('(1 redelivered)');
  expect(queue.measured).toContain('none twice');
}

/** A store that outlives a process: the SIGKILL story runs for real. */
export function expectKilledWorkerHeld(report: DemoReport): void {
  const killed = story(report, 'A worker is killed mid-charge');
  expect(killed.skipped).toBeUndefined();
  expect(killed.answers).toEqual({ 'no answer': 1, 409: 1, 201: 2 });
  expect(killed.charges).toBe(1);
  expect(killed.lines.join('\n')).toContain('the provider dropped 1 half-made call(s)');
  expect(killed.lines.join('\n')).toContain('201 replayed');
}
