// The CSS shared by the run report and the index page, inlined into each.
export const pageStyle = `
:root { color-scheme: light; --valid: #009E73; --invalid: #D55E00; --unknown: #E69F00; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1a1a1a; background: #fafafa; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 64px; }
header.verdict { padding: 18px 24px; color: #fff; }
header.verdict.valid { background: var(--valid); }
header.verdict.invalid { background: var(--invalid); }
header.verdict.unknown { background: #6b6b6b; }
header.verdict h1 { margin: 0; font-size: 40px; letter-spacing: 0.02em; }
header.verdict p { margin: 4px 0 0; font-size: 16px; }
h2 { margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
code, pre { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { background: #f0f0f0; padding: 8px; overflow: auto; max-height: 420px; }
.replay { display: flex; gap: 8px; align-items: center; }
.replay code { background: #f0f0f0; padding: 4px 8px; flex: 1; overflow-x: auto; white-space: nowrap; }
button { font: inherit; padding: 3px 10px; border: 1px solid #888; background: #fff; border-radius: 4px; cursor: pointer; }
button:focus-visible, canvas:focus-visible, .txn:focus-visible, th:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
.problems { border: 2px solid var(--invalid); background: #fff4ee; padding: 8px 16px; }
.problems li { font-family: ui-monospace, Menlo, Consolas, monospace; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 700; vertical-align: middle; }
.badge.valid { background: var(--valid); }
.badge.invalid { background: var(--invalid); }
.badge.unknown, .badge.broken { background: #6b6b6b; }
.sentence { font-size: 17px; font-weight: 600; border-left: 4px solid var(--invalid); padding: 6px 12px; background: #fff; }
.note { color: #555; font-style: italic; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.controls { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 6px 0; }
.legend .swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 10px; vertical-align: -1px; }
#timeline { width: 100%; display: block; background: #fff; border: 1px solid #ccc; }
#tooltip { position: absolute; background: #222; color: #fff; padding: 6px 8px; border-radius: 4px; font-size: 12px; max-width: 320px; pointer-events: none; z-index: 10; }
#selection { min-height: 3em; background: #fff; border: 1px solid #ddd; padding: 6px 10px; margin-top: 6px; }
svg.plot { background: #fff; border: 1px solid #ccc; font: 11px sans-serif; }
svg.cycle { background: #fff; border: 1px solid #ccc; font: 12px sans-serif; }
.checker { background: #fff; border: 1px solid #ddd; padding: 4px 16px 12px; margin: 12px 0; }
#script-error { background: #fff4ee; border: 1px solid var(--invalid); padding: 6px 10px; }
tr.broken td { background: #fff4ee; }
`;
