/**
 * The unread count on the tab's icon: the favicon redrawn on a canvas with a red badge and the
 * count, set as a data URL on `<link rel="icon">`, and the original put back at zero. Only a
 * change of the count redraws.
 */

const SIZE = 64;
/**
 * Browser chrome, not the page, is behind a favicon, so the page's theme colours do not apply:
 * white on this red is 5.6:1 whatever the browser's theme.
 */
const BADGE_FILL = '#c62828';
const BADGE_TEXT = '#ffffff';

export class FaviconBadge {
  #count = 0;
  #original: { href: string; type: string } | undefined;
  #image: Promise<HTMLImageElement | undefined> | undefined;

  /** Shows `count` on the icon (0 restores the original); does nothing if it did not change. */
  set(count: number): void {
    if (count === this.#count) return;
    this.#count = count;
    const link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
    if (link === null) return;
    this.#original ??= { href: link.href, type: link.type };
    const original = this.#original;
    if (count <= 0) {
      link.type = original.type;
      link.href = original.href;
      return;
    }
    this.#image ??= loadImage(original.href);
    void this.#image.then((image) => {
      // A newer count may have been set while the image loaded: only the latest is drawn.
      if (this.#count !== count) return;
      const url = drawBadge(image, count);
      if (url === undefined) return;
      link.type = 'image/png';
      link.href = url;
    });
  }

  /** Puts the original icon back. */
  dispose(): void {
    this.set(0);
  }
}

function loadImage(href: string): Promise<HTMLImageElement | undefined> {
  return new Promise((resolve) => {
    // An SVG without width and height draws at the size asked for once it has one of its own.
    const image = new Image(SIZE, SIZE);
    image.onload = () => resolve(image);
    image.onerror = () => resolve(undefined);
    image.src = href;
  });
}

function drawBadge(image: HTMLImageElement | undefined, count: number): string | undefined {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const g = canvas.getContext('2d');
  if (g === null) return undefined;
  if (image !== undefined) g.drawImage(image, 0, 0, SIZE, SIZE);
  const label = count > 99 ? '99+' : String(count);
  const radius = label.length > 1 ? 24 : 20;
  const cx = SIZE - radius;
  const cy = radius;
  g.beginPath();
  g.arc(cx, cy, radius, 0, Math.PI * 2);
  g.fillStyle = BADGE_FILL;
  g.fill();
  g.fillStyle = BADGE_TEXT;
  g.font = `bold ${label.length > 2 ? 20 : label.length > 1 ? 28 : 32}px system-ui, sans-serif`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(label, cx, cy + 2);
  return canvas.toDataURL('image/png');
}
