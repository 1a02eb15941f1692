export interface SqlStatement {
  /** The statement without its terminating `;` (leading comments dropped). */
  sql: string;
  /** 1-based line of the statement's first character within the file. */
  line: number;
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const ROUTINE_HEAD = /^CREATE (?:OR REPLACE )?(?:FUNCTION|PROCEDURE)$/;

/**
 * Splits a PostgreSQL script into statements at top-level semicolons, respecting `--` and nested
 * `/* *\/` comments, '' and E'' strings, "identifiers", $tag$ dollar quoting and SQL-standard
 * `BEGIN ATOMIC … END` routine bodies. Keeps each statement's starting line for error messages.
 */
export function splitSql(text: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let line = 1;
  let start = -1;
  let startLine = 0;
  let words: string[] = [];
  let atomicDepth = 0;
  let lastWord = '';
  let i = 0;

  const advance = (to: number): void => {
    for (let k = i; k < to; k += 1)
      if (text[k] === '\n' || (text[k] === '\r' && text[k + 1] !== '\n')) line += 1;
    i = to;
  };
  const markContent = (): void => {
    if (start < 0) {
      start = i;
      startLine = line;
    }
  };
  const finish = (end: number): void => {
    if (start >= 0) statements.push({ sql: text.slice(start, end).trimEnd(), line: startLine });
    start = -1;
    words = [];
    atomicDepth = 0;
    lastWord = '';
  };

  while (i < text.length) {
    const ch = text.charAt(i);
    const next = text.charAt(i + 1);
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      advance(end < 0 ? text.length : end);
    } else if (ch === '/' && next === '*') {
      let depth = 0;
      let k = i;
      while (k < text.length) {
        if (text.startsWith('/*', k)) {
          depth += 1;
          k += 2;
        } else if (text.startsWith('*/', k)) {
          depth -= 1;
          k += 2;
          if (depth === 0) break;
        } else k += 1;
      }
      advance(k);
    } else if (ch === "'") {
      markContent();
      const prev = text.charAt(i - 1);
      const escapes = (prev === 'E' || prev === 'e') && !IDENT_PART.test(text.charAt(i - 2));
      let k = i + 1;
      while (k < text.length) {
        const c = text.charAt(k);
        if (escapes && c === '\\') k += 2;
        else if (c === "'" && text.charAt(k + 1) === "'") k += 2;
        else if (c === "'") break;
        else k += 1;
      }
      advance(Math.min(k + 1, text.length));
    } else if (ch === '"') {
      markContent();
      let k = i + 1;
      while (k < text.length) {
        if (text.charAt(k) === '"' && text.charAt(k + 1) === '"') k += 2;
        else if (text.charAt(k) === '"') break;
        else k += 1;
      }
      advance(Math.min(k + 1, text.length));
    } else if (ch === '$' && !IDENT_PART.test(text.charAt(i - 1))) {
      markContent();
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(text)?.[0];
      if (tag) {
        const close = text.indexOf(tag, i + tag.length);
        advance(close < 0 ? text.length : close + tag.length);
      } else advance(i + 1);
    } else if (IDENT_START.test(ch) && !IDENT_PART.test(text.charAt(i - 1))) {
      markContent();
      let k = i + 1;
      while (k < text.length && IDENT_PART.test(text.charAt(k))) k += 1;
      const word = text.slice(i, k).toUpperCase();
      if (words.length < 4) words.push(word);
      if (atomicDepth > 0) {
        if (word === 'CASE') atomicDepth += 1;
        else if (word === 'END') atomicDepth -= 1;
      } else if (word === 'ATOMIC' && lastWord === 'BEGIN' && isRoutine(words)) {
        atomicDepth = 1;
      }
      lastWord = word;
      advance(k);
    } else if (ch === ';' && atomicDepth === 0) {
      finish(i);
      advance(i + 1);
    } else {
      if (!/\s/.test(ch)) markContent();
      advance(i + 1);
    }
  }
  finish(text.length);
  return statements;
}

function isRoutine(words: string[]): boolean {
  return words.some((_, n) => ROUTINE_HEAD.test(words.slice(0, n + 1).join(' ')));
}
