// The form's command field as words, the way a shell would split it (quotes, backslashes), and the
// page query Docker-style: one `arg` per word, one `env` per KEY=VALUE.

/** Splits `text` into words; single quotes keep everything, double quotes and backslash escape. */
export function splitWords(text) {
  const words = [];
  let word = null;
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (ch === '\\' && i + 1 < text.length && quote !== "'") {
      word = (word ?? '') + text[++i];
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (word !== null) words.push(word);
  return words;
}

/** The page query for a command and env words, and `init=1` for docker's --init. */
export function commandQuery(args, env, init = false) {
  const q = new URLSearchParams();
  for (const a of args) q.append('arg', a);
  for (const e of env) q.append('env', e);
  if (init) q.append('init', '1');
  return q;
}
