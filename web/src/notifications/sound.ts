/**
 * The new-message chime: two soft sine notes (a rising "ding-ding", about half a second, quiet),
 * made with the Web Audio API, so there is no audio file to fetch. Browsers start an
 * AudioContext only after a user gesture: the context is made (or resumed) on the first click
 * or key press, and a chime before any gesture may stay silent, as the browser decides.
 */

type AudioContextConstructor = new () => AudioContext;

let context: AudioContext | undefined;

function audioContext(): AudioContext | undefined {
  if (context !== undefined) return context;
  const Constructor: AudioContextConstructor | undefined =
    window.AudioContext ?? (window as unknown as { webkitAudioContext?: AudioContextConstructor }).webkitAudioContext;
  if (Constructor === undefined) return undefined;
  try {
    context = new Constructor();
  } catch {
    return undefined;
  }
  return context;
}

/** Creates or resumes the audio context on the next click or key press, which browsers require. */
export function unlockSoundOnGesture(): () => void {
  const unlock = (): void => {
    const ctx = audioContext();
    if (ctx?.state === 'suspended') void ctx.resume().catch(() => undefined);
    remove();
  };
  const remove = (): void => {
    window.removeEventListener('pointerdown', unlock, true);
    window.removeEventListener('keydown', unlock, true);
  };
  window.addEventListener('pointerdown', unlock, true);
  window.addEventListener('keydown', unlock, true);
  return remove;
}

/** Plays the chime once. Silently does nothing where Web Audio is missing. */
export function playChime(): void {
  const ctx = audioContext();
  if (ctx === undefined) return;
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  const start = ctx.currentTime + 0.01;
  // One oscillator for both notes: A5, then E6 a fifth above, each with a soft attack and decay.
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.type = 'sine';
  oscillator.frequency.setValueAtTime(880, start);
  oscillator.frequency.setValueAtTime(1318.5, start + 0.13);
  const level = gain.gain;
  level.setValueAtTime(0.0001, start);
  level.exponentialRampToValueAtTime(0.07, start + 0.015);
  level.exponentialRampToValueAtTime(0.012, start + 0.125);
  level.exponentialRampToValueAtTime(0.06, start + 0.145);
  level.exponentialRampToValueAtTime(0.0001, start + 0.6);
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(start);
  oscillator.stop(start + 0.62);
}
