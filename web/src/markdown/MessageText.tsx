/**
 * A message's text as Markdown (see docs/client.md for what is supported): parsed once per text,
 * rendered to elements by `render.ts`, code blocks highlighted once the highlighter has loaded.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { parseMarkdown } from './lexer.js';
import { loadHighlighter, loadedHighlighter } from './load-highlighter.js';
import { renderMarkdown, wantsHighlighter } from './render.js';
import './markdown.css';

export function MessageText({ text }: { readonly text: string }) {
  const tokens = parseMarkdown(text);
  const wanted = useMemo(() => wantsHighlighter(tokens), [tokens]);
  const [highlight, setHighlight] = useState(loadedHighlighter);

  useEffect(() => {
    if (!wanted || highlight !== undefined) return;
    let live = true;
    loadHighlighter().then(
      (loaded) => {
        if (live) setHighlight(() => loaded);
      },
      () => undefined, // the block stays plain text
    );
    return () => {
      live = false;
    };
  }, [wanted, highlight]);

  // Rows re-render for receipts and status changes; the elements are made once per text.
  return useMemo(() => <>{renderMarkdown(tokens, wanted ? highlight : undefined)}</>, [tokens, wanted, highlight]);
}
