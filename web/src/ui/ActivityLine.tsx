/**
 * One quiet line of joins and leaves in a conversation ("alice, bob and 3 others joined"): muted,
 * small, centred, not a bubble. A line that leaves names out opens to the full list. Names are
 * text nodes only.
 */
import { describeGroup, fullList, isAbridged, type ActivityGroup } from '../activity.js';
import { timeLabel } from '../format.js';
import './activity.css';

export function ActivityLine({ group }: { readonly group: ActivityGroup }) {
  const text = describeGroup(group);
  const first = timeLabel(new Date(group.firstTs));
  const last = timeLabel(new Date(group.lastTs));
  const when = first === last ? first : `${first}–${last}`;
  return (
    <li class="activity-line" data-after-seq={group.afterSeq} title={`${fullList(group)} (${when})`}>
      {isAbridged(group) ? (
        <details class="activity-details">
          <summary>{text}</summary>
          <p class="activity-all">{fullList(group)}</p>
        </details>
      ) : (
        <span class="activity-text">{text}</span>
      )}
    </li>
  );
}
