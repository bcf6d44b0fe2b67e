/** Hooks that connect views to the store. */
import { useEffect, useReducer } from 'preact/hooks';
import type { ChatStore } from '../chat-store.js';

/** Re-renders the calling component whenever the store changes. */
export function useStore(store: ChatStore): number {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => store.subscribe(() => bump(undefined)), [store]);
  return store.version;
}

/** Re-renders every `ms` while `active`, for countdowns. */
export function useTicker(active: boolean, ms: number): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => bump(undefined), ms);
    return () => window.clearInterval(timer);
  }, [active, ms]);
}
