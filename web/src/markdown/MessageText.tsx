/**
 * A message's text as Markdown (see docs/client.md for what is supported): parsed once per text,
 * rendered to elements by `render.ts`, code blocks highlighted once the highlighter has loaded.
 * Until the formatter chunk has arrived the text shows as it did before Markdown — plain, with
 * its bare links — and is rendered again, formatted, when it does.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { linkify } from '../linkify.js';
import { loadHighlighter, loadedHighlighter } from './load-highlighter.js';
import { loadMarkdown, loadedMarkdown, type Markdown } from './load-markdown.js';
import './markdown.css';

export function MessageText({ text }: { readonly text: string }) {
  const [markdown, setMarkdown] = useState(loadedMarkdown);

  // No dependency list on purpose: while the formatter is missing every render asks for it.
  // The request is shared, so this is one fetch however many messages ask; after a failed one
  // (offline) the next render of a message tries again.
  useEffect(() => {
    if (markdown !== undefined) return;
    let live = true;
    loadMarkdown().then(
      (loaded) => {
        if (live) setMarkdown(() => loaded);
      },
      () => undefined, // the message stays plain text
    );
    return () => {
      live = false;
    };
  });

  return markdown === undefined ? <PlainText text={text} /> : <Formatted markdown={markdown} text={text} />;
}

/** The text as one paragraph of text nodes and http(s) links: what shows until Markdown loads. */
function PlainText({ text }: { readonly text: string }) {
  const segments = useMemo(() => linkify(text), [text]);
  return (
    <p>
      {segments.map((segment, i) =>
        segment.kind === 'link' ? (
          <a key={i} href={segment.href} target="_blank" rel="noopener noreferrer">
            {segment.text}
          </a>
        ) : (
          segment.text
        ),
      )}
    </p>
  );
}

function Formatted({ markdown, text }: { readonly markdown: Markdown; readonly text: string }) {
  const tokens = markdown.parseMarkdown(text);
  const wanted = useMemo(() => markdown.wantsHighlighter(tokens), [markdown, tokens]);
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
  return useMemo(() => <>{markdown.renderMarkdown(tokens, wanted ? highlight : undefined)}</>, [markdown, tokens, wanted, highlight]);
}
