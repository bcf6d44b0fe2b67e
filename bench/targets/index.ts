/** Every target the load tool can run, by name. */
import type { Target, TargetName } from '../types.js';
import { hubbubClusterTarget } from './hubbub-cluster.js';
import { hubbubBaselineTarget, hubbubTarget } from './hubbub.js';
import { socketioTarget } from './socketio.js';
import { wsHubTarget } from './ws-hub.js';

/**
 * The targets by their `TargetName`: hubbub (one node, or two behind Redis), two comparison
 * floors, and — given a checkout — an earlier hubbub for before/after runs.
 */
export function targetsWith(baseline: string | undefined): Partial<Record<TargetName, Target>> {
  return baseline === undefined ? targets : { ...targets, 'hubbub-baseline': hubbubBaselineTarget(baseline) };
}

export const targets: Readonly<Record<Exclude<TargetName, 'hubbub-baseline'>, Target>> = {
  hubbub: hubbubTarget,
  'hubbub-cluster': hubbubClusterTarget,
  socketio: socketioTarget,
  ws: wsHubTarget,
};
