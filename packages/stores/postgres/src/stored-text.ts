/*
 * PostgreSQL `text` cannot hold U+0000, and node-postgres turns an unpaired UTF-16 surrogate
 * into U+FFFD on the way in, so two different keys could land on one row. Keys, tokens and
 * fingerprints are therefore stored through a small escape that is the identity for every
 * ordinary string: U+0001 starts an escape, followed by U+0001 (itself), "0" (U+0000) or "s"
 * and four hex digits (an unpaired surrogate). Distinct strings stay distinct, and
 * fingerprints come back exactly as they went in.
 */

const ESCAPE = '\u0001';

function needsEscape(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 1 || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

export function toStoredText(value: string): string {
  if (!needsEscape(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0) out += `${ESCAPE}0`;
    else if (code === 1) out += ESCAPE + ESCAPE;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(value.charCodeAt(i + 1))) {
      out += value.slice(i, i + 2);
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff)
      out += `${ESCAPE}s${code.toString(16).padStart(4, '0')}`;
    else out += value[i];
  }
  return out;
}

export function fromStoredText(stored: string): string {
  if (!stored.includes(ESCAPE)) return stored;
  let out = '';
  for (let i = 0; i < stored.length; i++) {
    const char = stored[i];
    if (char !== ESCAPE) {
      out += char;
      continue;
    }
    const kind = stored[i + 1];
    if (kind === ESCAPE) {
      out += ESCAPE;
      i += 1;
    } else if (kind === '0') {
      out += '\u0000';
      i += 1;
    } else if (kind === 's') {
      out += String.fromCharCode(Number.parseInt(stored.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      // Not written by toStoredText (e.g. a row edited by hand): keep it as it is.
      out += char;
    }
  }
  return out;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
