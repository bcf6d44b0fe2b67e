/** Entry point of the web app. */
import { render } from 'preact';
import './styles.css';
import { App } from './ui/App.js';

render(<App />, document.getElementById('app')!);
