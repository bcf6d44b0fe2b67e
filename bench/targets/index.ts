/** Every target the load tool can run, by name. */
import type { Target, TargetName } from '../types.js';
import { hubbubClusterTarget } from './hubbub-cluster.js';
import { hubbubTarget } from './hubbub.js';
import { socketioTarget } from './socketio.js';
import { wsHubTarget } from './ws-hub.js';

/** The targets by their `TargetName`: hubbub (one node, or two behind Redis) and two comparison floors. */
export const targets: Readonly<Record<TargetName, Target>> = {
  hubbub: hubbubTarget,
  'hubbub-cluster': hubbubClusterTarget,
  socketio: socketioTarget,
  ws: wsHubTarget,
};
