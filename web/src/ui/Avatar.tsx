/** A round initial in the user's colour, with an optional presence dot. */
import { colorIndex } from '../format.js';

export function Avatar({ name, presence, small }: { readonly name: string; readonly presence?: 'online' | 'offline'; readonly small?: boolean }) {
  return (
    <span class={`avatar avatar-c${colorIndex(name)}${small === true ? ' avatar-small' : ''}`} aria-hidden="true">
      {(name[0] ?? '?').toUpperCase()}
      {presence !== undefined && <span class={`presence-dot presence-${presence}`} />}
    </span>
  );
}

/** A presence dot with a text alternative. */
export function PresenceDot({ status }: { readonly status: 'online' | 'offline' }) {
  return <span class={`presence-dot inline presence-${status}`} role="img" aria-label={status} title={status} />;
}
