/** What one request got back, as the client saw it. */
export interface Answer {
  /** The HTTP status, or `"no answer"` when the connection died first. */
  status: number | 'no answer';
  /** `Idempotent-Replayed: true`: the API replayed a stored response. */
  replayed: boolean;
  /** `Retry-After`, in seconds, when sent. */
  retryAfter?: number;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by the stories
  body: any;
  /** Why there was no answer. */
  error?: string;
}

/** POST JSON, with an `Idempotency-Key` when `key` is given. Never throws. */
export async function post(url: string, body: unknown, key?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers['idempotency-key'] = key;
  try {
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    const retryAfter = response.headers.get('retry-after');
    return {
      status: response.status,
      replayed: response.headers.get('idempotent-replayed') === 'true',
      ...(retryAfter === null ? {} : { retryAfter: Number(retryAfter) }),
      body: text ? JSON.parse(text) : undefined,
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return {
      status: 'no answer',
      replayed: false,
      body: undefined,
      error: cause instanceof Error ? cause.message : String(cause),
    };
  }
}

export async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  return response.json();
}

/** Answers counted by status, e.g. `{ "201": 1, "409": 19 }`. */
export function countByStatus(answers: readonly Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

/** `201×1, 409×19`, statuses in order. */
export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
}
