/**
 * The syntax highlighter: lowlight (highlight.js producing a hast tree, never HTML) with the
 * grammars of `languages.ts`. Only ever loaded through a dynamic import (`load-highlighter.ts`),
 * so that it is a chunk of its own, fetched the first time a message has a fenced block in one
 * of these languages.
 */
import type { Root } from 'hast';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { createLowlight } from 'lowlight';
import { BoundedCache } from './cache.js';

const lowlight = createLowlight({ bash, c, cpp, css, diff, go, java, javascript, json, plaintext, python, rust, shell, sql, typescript, xml, yaml });

// A room switch mounts its messages again; highlighting the same blocks again is the costly part.
const highlighted = new BoundedCache<Root>(300);

/** Whether `language` (a name or alias) has a grammar here. */
export function knowsLanguage(language: string): boolean {
  return lowlight.registered(language);
}

/** `code` highlighted as `language`, or undefined when the language has no grammar here. */
export function highlight(language: string, code: string): Root | undefined {
  if (!lowlight.registered(language)) return undefined;
  const key = `${language}\u0000${code}`;
  let tree = highlighted.get(key);
  if (tree === undefined) {
    try {
      tree = lowlight.highlight(language, code);
    } catch {
      return undefined;
    }
    highlighted.set(key, tree);
  }
  return tree;
}
