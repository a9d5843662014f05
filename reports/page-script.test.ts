// Runs the report's inline script against a minimal stand-in DOM (node:vm), so the
// timeline's drawing, zoom, hover and keyboard explorer are exercised without a browser.
// The real-browser tests (playwright + chromium) come with the real suite.
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, test } from 'vitest';
import { pageScript } from './page-script.js';
import { readRunDir } from './run-dir.js';
import { renderRunReport } from './run-report.js';
import { removeTemporaryStores, temporaryStore, writeInvalidRun } from './test-runs.js';

type Handler = (event: Record<string, unknown>) => void;

class FakeElement {
  textContent = '';
  hidden = false;
  children: FakeElement[] = [];
  style: Record<string, string> = {};
  width = 0;
  height = 0;
  clientWidth = 900;
  handlers = new Map<string, Handler[]>();
  attributes = new Map<string, string>();
  calls: Array<{ name: string; args: unknown[]; strokeStyle: unknown }> = [];
  addEventListener(type: string, handler: Handler): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }
  fire(type: string, event: Record<string, unknown> = {}): void {
    for (const handler of this.handlers.get(type) ?? []) handler({ preventDefault: () => {}, ...event });
  }
  appendChild(child: FakeElement): void {
    this.children.push(child);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  getBoundingClientRect(): { left: number; top: number } {
    return { left: 0, top: 0 };
  }
  focus(): void {}
  scrollIntoView(): void {}
  getContext(): unknown {
    // Records every drawing call with the stroke colour in force, and accepts any property.
    const context: Record<string, unknown> = { strokeStyle: '' };
    return new Proxy(context, {
      get: (target, name: string) =>
        name in target
          ? target[name]
          : (...args: unknown[]) => this.calls.push({ name, args, strokeStyle: target.strokeStyle }),
      set: (target, name: string, value) => {
        target[name] = value;
        return true;
      },
    });
  }
  /** The text shown, whether set directly or as one div per line. */
  shown(): string {
    return this.textContent + this.children.map((child) => `${child.textContent}\n`).join('');
  }
}

function startPage(html: string): Map<string, FakeElement> {
  const elements = new Map<string, FakeElement>();
  const element = (id: string): FakeElement => {
    let found = elements.get(id);
    if (found === undefined) elements.set(id, (found = new FakeElement()));
    return found;
  };
  const data = /<script type="application\/json" id="timeline-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
  element('timeline-data').textContent = data;
  element('script-error').hidden = true;
  element('tooltip').hidden = true;
  const ids = [
    'timeline',
    'selection',
    'zoom-level',
    'zoom-in',
    'zoom-out',
    'zoom-reset',
    'violation-next',
    'violation-previous',
  ];
  for (const id of ids) element(id);
  const document = {
    getElementById: (id: string) => (html.includes(`id="${id}"`) ? element(id) : null),
    querySelectorAll: () => [],
    createElement: () => new FakeElement(),
  };
  const window = {
    devicePixelRatio: 1,
    innerWidth: 1200,
    scrollX: 0,
    scrollY: 0,
    addEventListener: () => {},
  };
  runInNewContext(pageScript, { document, window, navigator: {}, setTimeout: () => 0 });
  return elements;
}

afterAll(removeTemporaryStores);

describe('pageScript', () => {
  const directory = join(temporaryStore(), 'register-invalid', '20261124T160000');
  writeInvalidRun(directory);
  const html = renderRunReport(readRunDir(directory));

  test('pageScript draws the timeline and outlines the violations without an error', () => {
    const elements = startPage(html);
    expect(elements.get('script-error')!.hidden).toBe(true);
    const calls = elements.get('timeline')!.calls;
    expect(calls.filter((call) => call.name === 'fillRect').length).toBeGreaterThanOrEqual(3);
    expect(calls.filter((call) => call.name === 'strokeRect' && call.strokeStyle === '#D55E00').length).toBe(
      2,
    );
    expect(elements.get('zoom-level')!.textContent).toMatch(/^showing 0\.000 ms – /);
  });

  test('pageScript moves between violations with n and describes the selected operation', () => {
    const elements = startPage(html);
    const canvas = elements.get('timeline')!;
    canvas.fire('keydown', { key: 'n' });
    expect(elements.get('selection')!.shown()).toContain('write k1 → ok');
    canvas.fire('keydown', { key: 'n' });
    const text = elements.get('selection')!.shown();
    expect(text).toContain('process 1: read k1 → ok');
    expect(text).toContain('⚠ could not be linearized: the read of k1 that returned 1');
    canvas.fire('keydown', { key: 'ArrowUp' });
    expect(elements.get('selection')!.shown()).toContain('process 0:');
  });

  test('pageScript zooms with the wheel and buttons and shows a tooltip on hover', () => {
    const elements = startPage(html);
    const zoomLabel = elements.get('zoom-level')!;
    const before = zoomLabel.textContent;
    elements.get('timeline')!.fire('wheel', { deltaY: -100, clientX: 500 });
    expect(zoomLabel.textContent).not.toBe(before);
    elements.get('zoom-reset')!.fire('click');
    expect(zoomLabel.textContent).toBe(before);
    // Row 1 (process 1) holds the read, invoked at time 4 of 0..5: near the right edge.
    const tooltip = elements.get('tooltip')!;
    const rowHeight = 18;
    elements
      .get('timeline')!
      .fire('mousemove', { clientX: 70 + (4.5 / 5) * (900 - 70 - 8), clientY: 14 + rowHeight * 1.5 });
    expect(tooltip.hidden).toBe(false);
    expect(tooltip.shown()).toContain('process 1: read k1 → ok');
    elements.get('timeline')!.fire('mouseleave');
    expect(tooltip.hidden).toBe(true);
    const canvas = elements.get('timeline')!;
    canvas.fire('mousedown', { clientX: 400 });
    canvas.fire('mousemove', { clientX: 300, clientY: 20, buttons: 1 });
    // Dragging left by 100 px moves the view later in time by 100 px worth of it.
    const shiftMs = (100 / (900 - 70 - 8)) * 5;
    expect(zoomLabel.textContent).toBe(`showing ${shiftMs.toFixed(3)} ms – ${(5 + shiftMs).toFixed(3)} ms`);
  });
});
