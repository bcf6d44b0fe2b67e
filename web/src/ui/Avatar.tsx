/** A round initial in the user's colour, with an optional presence dot. */
import { colorIndex } from '../format.js';
import { PRESENCE_LABELS, type PresenceState } from '../presence-state.js';
import './presence.css';

export function Avatar({
  name,
  presence,
  small,
  large,
}: {
  readonly name: string;
  readonly presence?: PresenceState;
  readonly small?: boolean;
  readonly large?: boolean;
}) {
  const size = small === true ? ' avatar-small' : large === true ? ' avatar-large' : '';
  return (
    <span class={`avatar avatar-c${colorIndex(name)}${size}`} aria-hidden="true">
      {(name[0] ?? '?').toUpperCase()}
      {presence !== undefined && <span class={`presence-dot presence-${presence}`} />}
    </span>
  );
}

/** A presence dot with a text alternative. */
export function PresenceDot({ status }: { readonly status: PresenceState }) {
  const label = PRESENCE_LABELS[status];
  return <span class={`presence-dot inline presence-${status}`} role="img" aria-label={label} title={label} />;
}
