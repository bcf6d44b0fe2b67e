/** Entry point of the web app. */
import { render } from 'preact';
import './styles.css';
import { loadMarkdown } from './markdown/load-markdown.js';
import { App } from './ui/App.js';

render(<App />, document.getElementById('app')!);
// The Markdown formatter is a chunk of its own: ask for it now, so that it is normally here
// before the first page of history. Until then messages show as plain text; a failed load is
// tried again by the next message that renders.
loadMarkdown().catch(() => undefined);
