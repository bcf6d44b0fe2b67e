/**
 * Which link targets a message may carry, and where a bare URL ends. A message is written by
 * anyone in the room, so a link is an attack surface: only web and mail addresses become links;
 * everything else stays visible as the text it was written as.
 */

/** The schemes a link in a message may use. */
export const ALLOWED_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

// The scheme must be spelled out at the very start: browsers skip leading controls and spaces
// and drop tabs and newlines inside a URL ("java\tscript:"), so anything that needs such
// clean-up to read as a scheme is refused rather than repaired.
const SCHEME_FIRST = /^(?:https?|mailto):/i;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/u;

/**
 * The address to put in `href` for a link target written in a message (normalised by the URL
 * parser, so that what was checked is what the browser follows), or undefined when it is not
 * an absolute http, https or mailto address: relative, protocol-relative, `javascript:`,
 * `data:`, entity- or control-character-obfuscated targets are all refused.
 */
export function safeHref(target: string): string | undefined {
  if (!SCHEME_FIRST.test(target) || CONTROL_OR_SPACE.test(target)) return undefined;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  if (!ALLOWED_SCHEMES.has(url.protocol)) return undefined;
  if (url.protocol !== 'mailto:' && url.hostname === '') return undefined;
  return url.href;
}

const TRAILING = /[.,;:!?'"»”’]+$/;

/**
 * Splits a bare URL found in running text into the part that is the link and the punctuation
 * after it that belongs to the sentence: `https://example.com/docs?page=1.` links without the
 * dot, and a closing bracket stays outside unless the URL opened one ("(see https://x.y/a)").
 */
export function splitBareUrl(candidate: string): { readonly url: string; readonly rest: string } {
  let url = candidate;
  for (;;) {
    const before = url;
    url = url.replace(TRAILING, '');
    while (/[)\]}]$/.test(url) && count(url, '(') < count(url, ')')) url = url.slice(0, -1);
    if (url === before) break;
  }
  return { url, rest: candidate.slice(url.length) };
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}
