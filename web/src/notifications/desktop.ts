/**
 * Desktop notifications through the browser's `Notification`: what the browser allows, asking
 * for permission (only ever from a click: browsers ignore or penalise asking on their own), and
 * showing one.
 */
import type { DesktopNotice } from './notifier.js';

/** What the browser allows: `default` = not asked yet; `unsupported` = no Notification API here. */
export type DesktopPermission = NotificationPermission | 'unsupported';

export function desktopPermission(): DesktopPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks the browser for permission. Call it from a user gesture (a click) only. */
export async function requestDesktopPermission(): Promise<DesktopPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** The notification on show for each conversation (its tag), to close once the conversation is read. */
const shown = new Map<string, Notification>();

/**
 * Shows `notice`; a click on it brings this tab forward and calls `onClick`. Silent: the app's
 * own chime (if the user wants one) is the only sound, so the sound setting covers both.
 */
export function showDesktopNotification(notice: DesktopNotice, onClick: (room: string) => void): void {
  if (desktopPermission() !== 'granted') return;
  try {
    const notification = new Notification(notice.title, { body: notice.body, tag: notice.tag, silent: true });
    shown.set(notice.tag, notification);
    notification.onclose = () => {
      if (shown.get(notice.tag) === notification) shown.delete(notice.tag);
    };
    notification.onclick = () => {
      window.focus();
      onClick(notice.room);
      notification.close();
    };
  } catch {
    // Some browsers (Chrome on Android) only show notifications from a service worker.
  }
}

/** Closes the notification of conversation `tag`, if one is on show: the user is reading it. */
export function closeDesktopNotification(tag: string): void {
  shown.get(tag)?.close();
  shown.delete(tag);
}
