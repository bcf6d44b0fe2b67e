/**
 * The notification center as Preact hooks: made once per session by the app, found by the views
 * from the store they already hold (so no provider has to wrap the app).
 */
import { useEffect, useMemo, useReducer } from 'preact/hooks';
import type { ChatStore } from '../chat-store.js';
import { NotificationCenter, type NotificationCenterOptions } from './notification-center.js';

const centers = new WeakMap<ChatStore, NotificationCenter>();

function useRerenderOn(center: NotificationCenter | undefined): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => center?.subscribe(() => bump(undefined)), [center]);
}

/**
 * Makes the notification center of `store` (once per store), disposes it with the store, and
 * re-renders the caller when a setting or a mute changes. `options` is read when it is made.
 */
export function useNotificationCenter(store: ChatStore, options: NotificationCenterOptions): NotificationCenter {
  // One center per store: `options` are fixed for its life.
  const center = useMemo(() => {
    const made = new NotificationCenter(store, options);
    centers.set(store, made);
    return made;
  }, [store]);
  useEffect(
    () => () => {
      centers.delete(store);
      center.dispose();
    },
    [store, center],
  );
  useRerenderOn(center);
  return center;
}

/** The notification center of `store`'s session (undefined before the app made it), re-rendering the caller on its changes. */
export function useNotifications(store: ChatStore): NotificationCenter | undefined {
  const center = centers.get(store);
  useRerenderOn(center);
  return center;
}
