/**
 * The languages a fenced code block is highlighted in, by every name it may be written with.
 * This list is outside the highlighter chunk (with the renderer) so that a block in another
 * language (or none) never loads it; `highlighter.ts` registers the grammars, and a test checks
 * the two agree.
 */
export const HIGHLIGHTED_LANGUAGES: ReadonlySet<string> = new Set([
  ...['javascript', 'js', 'jsx', 'mjs', 'cjs'],
  ...['typescript', 'ts', 'tsx', 'mts', 'cts'],
  ...['json', 'jsonc', 'json5'],
  ...['bash', 'sh', 'zsh', 'shell', 'console', 'shellsession'],
  ...['python', 'py'],
  'sql',
  ...['go', 'golang'],
  ...['rust', 'rs'],
  'java',
  ...['c', 'h', 'cpp', 'cc', 'c++', 'hpp', 'cxx'],
  'css',
  ...['xml', 'html', 'xhtml', 'svg'],
  ...['yaml', 'yml'],
  ...['diff', 'patch'],
  ...['plaintext', 'text', 'txt'],
]);

/**
 * The language of a fenced block's info string (its first word, lower-cased) when the
 * highlighter knows it, else undefined.
 */
export function highlightedLanguage(info: string | undefined): string | undefined {
  const name = info?.trim().split(/\s/, 1)[0]?.toLowerCase();
  return name !== undefined && HIGHLIGHTED_LANGUAGES.has(name) ? name : undefined;
}
