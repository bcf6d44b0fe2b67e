/**
 * The "Keyboard shortcuts" dialog (`?` outside text fields, or the button in the sidebar footer):
 * every shortcut of the app from the table in web/src/keymap.ts, with ⌘ on Apple platforms and
 * Ctrl elsewhere.
 */
import { Fragment } from 'preact';
import { SHORTCUT_GROUPS, keyLabel, type KeyName } from '../keymap.js';
import { Dialog } from './Dialog.js';
import { IS_MAC } from './shortcuts.js';
import './shortcuts-dialog.css';

/** One key: a symbol is shown, its name is read out. */
function Key({ name }: { readonly name: KeyName }) {
  const { glyph, spoken } = keyLabel(name, IS_MAC);
  if (glyph === spoken) return <kbd>{glyph}</kbd>;
  return (
    <kbd>
      <span aria-hidden="true">{glyph}</span>
      <span class="visually-hidden">{spoken}</span>
    </kbd>
  );
}

/** A combination: keys joined by + (Apple platforms write them side by side). */
function Combo({ keys }: { readonly keys: readonly KeyName[] }) {
  return (
    <>
      {keys.map((key, index) => (
        <Fragment key={key}>
          {index > 0 && !IS_MAC && '+'}
          <Key name={key} />
        </Fragment>
      ))}
    </>
  );
}

/** The keyboard icon of the shortcuts button (decorative: the button carries the label). */
export function KeyboardIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
      <rect x="2.5" y="6" width="19" height="12" rx="2" />
      <path d="M6.5 10h.01M10 10h.01M14 10h.01M17.5 10h.01M8 14h8" />
    </svg>
  );
}

/** The "Keyboard shortcuts" dialog; App shows it on `?` and from the sidebar button. */
export function ShortcutsDialog({ onClose }: { readonly onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} className="shortcuts-dialog">
      {SHORTCUT_GROUPS.map((group) => (
        <section key={group.title} class="shortcut-group">
          <h3>{group.title}</h3>
          <dl class="shortcut-list">
            {group.shortcuts.map((shortcut) => (
              <div key={shortcut.action}>
                <dt>
                  {shortcut.combos.map((keys, index) => (
                    <Fragment key={keys.join('+')}>
                      {index > 0 && <span class="shortcut-or">/</span>}
                      <Combo keys={keys} />
                    </Fragment>
                  ))}
                </dt>
                <dd>{shortcut.action}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </Dialog>
  );
}
