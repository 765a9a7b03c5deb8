/**
 * Every check the suite runs, in order. The names are stable: they are the test names a runner
 * reports, and the self-test and users refer to them. A check is never skipped by name, only
 * when the store's declared capabilities say it cannot apply.
 */
export const CHECK_NAMES = [
  'capabilities: are well-formed',
  'acquire: the first acquire wins with a positive integer fence',
  'acquire: exactly one winner among 100 concurrent acquires',
  'acquire: exactly one winner among 4 instances x 25 concurrent acquires',
  'acquire: many keys acquired concurrently each get exactly one winner',
  'acquire: the loser gets the in-progress record in the same reply',
  'acquire: a different fingerprint sees the in-progress record (mismatch)',
  'acquire: a different fingerprint sees the completed record (mismatch)',
  'complete: a later acquire gets the completed record with the exact bytes',
  'complete: repeating complete by the same owner returns true',
  'complete: the owner can complete after its lease lapsed when no one took over',
  'replay: all 256 byte values round-trip exactly',
  'replay: invalid UTF-8 sequences round-trip exactly',
  'replay: an empty result round-trips',
  'replay: a large result round-trips exactly',
  "replay: stored bytes do not change when the caller's buffers change",
  'get: returns undefined for a key never written',
  'lease: after the lease lapses the same fingerprint takes over with a larger fence',
  'lease: a lapsed lease is not taken over by a different fingerprint',
  'fencing: a stale owner cannot complete after a takeover',
  'fencing: a stale owner cannot release after a takeover',
  'fencing: a stale owner cannot extend after a takeover',
  'ownership: a wrong token is refused by complete, release and extend',
  'ownership: a wrong fence is refused by complete, release and extend',
  'ownership: complete, release and extend on an absent key return false',
  'extend: an extended lease outlives its original end',
  'extend: a completed record cannot be extended',
  'release: frees the key and the next acquire wins with a larger fence, whatever its fingerprint',
  'release: a completed record cannot be released',
  'ttl: a completed record expires, then get returns undefined and acquire wins',
  'ttl: an in-progress record expires after its retention',
  'delete: removes the record and the key can be acquired again',
  'keys: keys differing in one character are independent',
  'keys: keys differing only in case are independent',
  'keys: NFC and NFD forms of the same text are different keys',
  'keys: a key and its prefix are independent',
  'keys: 512-character keys round-trip and stay distinct',
  'keys: unicode keys (emoji, CJK, combining marks) round-trip and stay distinct',
  'limits: a result over maxResultBytes throws ResultTooLargeError and the owner can still complete',
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];
