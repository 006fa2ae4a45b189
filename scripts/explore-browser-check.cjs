// The `pointsim explore` page in a real browser, over the DevTools protocol
// (puppeteer-core driving Debian's Chromium). Run by explore-browser-check.sh,
// which installs both and starts the server; see that script for the usage.
//
// 1. Loads the page at 1024×768 and waits for the first drawing.
// 2. Moves a control with the keyboard (focus, ArrowUp), waits for the redraw
//    and checks that the tier share the page shows is the one
//    `pointsim compare` computes for the same `--set` (read from the address).
// 3. Times change → redrawn over repeated key presses at each population asked
//    for, printing one JSON line per population: median and worst time to the
//    first picture (one replicate) and to the whole comparison (5), and the
//    median server computation and page drawing of the last answer.
// 4. Steps back through the snapshots with the keyboard (the tier bars follow),
//    plays, pauses and plays to the end; turns on projector mode.
// 5. Takes screenshots (normal and projector mode).
// 6. Moves a tier threshold with the keyboard: the reform's tier band on the
//    score distribution follows, the base's stays.
// 7. Loads the zh-CN page (a second server, EXPLORE_ZH_URL, on a scenario with
//    groups): the served CJK font is loaded and is the one drawing the Chinese
//    headline and chart labels (DevTools' platform fonts: a web font, not a
//    system one); its four-fifths table shows /api/explore's ratios; screenshot.
// 8. Opens a page written by `--export` from disk, checks that it shows its
//    numbers, moves a grid control with the keyboard and checks the grid
//    point's numbers against `pointsim compare` with the same `--set`s.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const [url, pointsim, scenario, shot, ...populations] = process.argv.slice(2);
const CONTROL = process.env.EXPLORE_CONTROL || 'rule.volunteer_service.points';
const PRESSES = Number(process.env.EXPLORE_PRESSES || 15);

function fail(msg) {
  console.error(`error: ${msg}`);
  process.exit(1);
}

// Press `key` in the control (`control`: its path) and wait until the page has
// redrawn for it with every replicate; the times the page recorded (ms): to
// the first picture, to the whole comparison, the last answer's computation
// on the server (Server-Timing) and its drawing in the page.
async function press(page, key, control = CONTROL) {
  const before = await page.$eval('body', (b) => Number(b.dataset.generation || 0));
  await page.focus(`input[data-path="${control}"]`);
  await page.keyboard.press(key);
  await page.waitForFunction(
    (g) => document.body.dataset.state === 'error'
      || (document.body.dataset.state === 'ready' && Number(document.body.dataset.generation || 0) > g),
    { timeout: 30000 },
    before,
  );
  const state = await page.$eval('body', (b) => b.dataset.state);
  if (state !== 'ready') fail(`the page shows an error: ${await page.$eval('#error', (e) => e.textContent)}`);
  return page.$eval('body', (b) => ({
    first: Number(b.dataset.firstMs), full: Number(b.dataset.latencyMs),
    server: Number(b.dataset.serverMs), draw: Number(b.dataset.drawMs),
  }));
}

// The `pointsim compare` arguments of the page's address.
function compareArgs(address) {
  const q = new URL(address).searchParams;
  const args = [];
  for (const s of q.getAll('set')) args.push('--set', s);
  for (const k of ['seed', 'population', 'steps']) if (q.has(k)) args.push(`--${k}`, q.get(k));
  args.push('--replicates', q.get('replicates'));
  return args;
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'explore-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    userDataDir: profile,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    defaultViewport: { width: 1024, height: 768 },
  });
  try {
    const page = await browser.newPage();
    const external = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) external.push(r.url());
    });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 30000 });

    // a keyboard change, then the page's share against the command line's
    await press(page, 'ArrowUp');
    const address = page.url();
    const shown = await page.$$eval('#headline tr[data-metric^="tier_share."]', (rows) =>
      rows.map((r) => ({
        name: r.dataset.metric,
        value: Number(r.querySelector('td[data-side=reform]').dataset.value),
        text: r.querySelector('td[data-side=reform]').textContent,
      })),
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'explore-compare-'));
    execFileSync(pointsim, ['compare', scenario, ...compareArgs(address), '--out', out, '--force', '-q', '--no-plots']);
    const cli = JSON.parse(fs.readFileSync(path.join(out, 'compare.json'), 'utf8'));
    fs.rmSync(out, { recursive: true, force: true });
    if (!shown.length) fail('the page shows no tier shares');
    for (const s of shown) {
      const m = cli.metrics.find((x) => x.name === s.name);
      if (!m || m.reform_mean !== s.value) fail(`${s.name}: the page shows ${s.value}, pointsim compare gives ${m && m.reform_mean}`);
    }
    const command = await page.$eval('#command', (e) => e.textContent);
    console.log(`ok: after ArrowUp on ${CONTROL} the page shows ${shown.map((s) => `${s.name} ${s.text}`).join(', ')}, as \`${command}\` does`);

    // the lesson: Next with the keyboard, then "Try it" makes the step's change and redraws
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 30000 });
    if (await page.$eval('#lesson', (e) => e.hidden)) fail('the scenario has a lesson but the page shows none');
    const aa = () => page.$eval('#headline tr[data-metric="tier_share.AA"] td[data-side=reform]', (e) => e.dataset.value);
    const aaBefore = await aa();
    await page.focus('#lesson-next');
    await page.keyboard.press('Enter');
    const step = await page.$eval('body', (b) => b.dataset.lesson);
    if (step !== '1') fail(`Enter on Next shows lesson step ${step}, not 1`);
    const change = await page.$eval('#lesson-change', (e) => e.textContent);
    const before = await page.$eval('body', (b) => Number(b.dataset.generation || 0));
    await page.focus('#lesson-try');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (g) => Number(document.body.dataset.generation || 0) > g && document.body.dataset.state === 'ready',
      { timeout: 30000 }, before);
    const tried = page.url();
    const set = new URL(tried).searchParams.getAll('set');
    if (!set.includes('rule.volunteer_service.points=10')) fail(`after "Try it" the address is ${tried}`);
    const input = await page.$eval('input[data-path="rule.volunteer_service.points"]', (e) => e.value);
    if (input !== '10') fail(`after "Try it" the control shows ${input}`);
    const aaAfter = await aa();
    if (aaAfter === aaBefore) fail(`after "Try it" the AA share is still ${aaAfter}`);
    console.log(`ok: lesson step 2 (${change}) tried: ${tried}, AA share ${aaBefore} -> ${aaAfter}`);

    // the story over time: Step back with the keyboard, the tier bars follow the snapshot
    await page.goto(`${url}?set=rule.volunteer_service.points=10&replicates=2`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 30000 });
    const snapshot = () => page.$eval('body', (b) => Number(b.dataset.snapshot));
    const last = await snapshot();
    await page.focus('#step-back');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    const back = await snapshot();
    if (!(back < last)) fail(`Step back twice from step ${last} shows step ${back}`);
    const follows = await page.evaluate(() => {
      const bar = document.querySelector('#tier-chart rect[data-tier="AA"][data-side=reform]').dataset.value;
      const row = document.querySelector('#at-step tr[data-metric="tier_share.AA"] td[data-side=reform]').dataset.value;
      return { bar, row, heading: document.getElementById('tiers-h').textContent };
    });
    if (follows.bar !== follows.row || !follows.heading.includes(String(back))) {
      fail(`at step ${back} the AA bar shows ${follows.bar}, the table ${follows.row}, the heading "${follows.heading}"`);
    }
    // Play runs to the last snapshot and stops; Pause in between stops it
    await page.focus('#play');
    await page.keyboard.press('Enter');
    await page.waitForFunction((s) => Number(document.body.dataset.snapshot) !== s, { timeout: 10000 }, back);
    await page.keyboard.press('Enter');
    const paused = await page.$eval('body', (b) => b.dataset.playing);
    if (paused !== 'false') fail(`Enter on Pause leaves the page playing (${paused})`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((l) => document.body.dataset.playing === 'false' && Number(document.body.dataset.snapshot) === l,
      { timeout: 30000 }, last);
    console.log(`ok: step back to step ${back} (AA ${follows.row} in bars and table), play, pause, play to step ${last}`);

    // projector mode: the button and ?projector=1, large type, nothing wider than 1024 px
    await page.focus('#projector');
    await page.keyboard.press('Enter');
    const proj = await page.evaluate(() => ({
      on: document.body.classList.contains('projector'),
      address: location.search,
      font: parseFloat(getComputedStyle(document.body).fontSize),
      wide: document.documentElement.scrollWidth,
    }));
    if (!proj.on || !proj.address.includes('projector=1') || proj.font < 20 || proj.wide > 1024) {
      fail(`projector mode: ${JSON.stringify(proj)}`);
    }
    await page.goto(`${url}?projector=1&replicates=2`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 30000 });
    if (!(await page.$eval('body', (b) => b.classList.contains('projector')))) fail('?projector=1 does not start in projector mode');
    const projShot = shot.replace(/(\.png)?$/, '-projector.png');
    await page.screenshot({ path: projShot });
    console.log(`ok: projector mode, ${proj.font}px type, ${proj.wide}px wide; screenshot: ${projShot}`);

    // the tier bands of the score distribution follow a threshold moved with the keyboard
    await page.goto(`${url}?replicates=2`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 30000 });
    const band = (side, tier) => page.$eval(`#dist-chart rect.band[data-side=${side}][data-tier="${tier}"]`, (e) => e.dataset.from);
    const fromBefore = await band('reform', 'A');
    await press(page, 'ArrowDown', 'tier.A.min');
    const bandsNow = { base: await band('base', 'A'), reform: await band('reform', 'A'),
      line: await page.$$eval(`#dist-chart line.threshold-reform[data-tier="A"]`, (l) => l.map((x) => x.dataset.min)),
      text: await page.$eval('#dist-tiers', (e) => e.textContent) };
    const moved = String(Number(fromBefore) - 1);
    if (bandsNow.base !== fromBefore || bandsNow.reform !== moved || !bandsNow.line.includes(moved)
      || !bandsNow.text.includes(`A ${moved}–`) || !bandsNow.text.includes(`A ${fromBefore}–`)) {
      fail(`after ArrowDown on tier.A.min (${fromBefore}) the bands show ${JSON.stringify(bandsNow)}`);
    }
    console.log(`ok: tier bands: base A from ${bandsNow.base}, reform A from ${bandsNow.reform}; "${bandsNow.text}"`);

    // the Chinese page: the served CJK font draws the headline and the chart labels
    const zhUrl = process.env.EXPLORE_ZH_URL;
    if (zhUrl) {
      const zh = await browser.newPage();
      zh.on('pageerror', (e) => errors.push(String(e)));
      zh.on('request', (r) => { if (!r.url().startsWith(zhUrl)) external.push(r.url()); });
      const fontReplies = [];
      zh.on('response', (r) => { if (r.url().includes('/fonts/')) fontReplies.push([r.status(), r.headers()['cache-control']]); });
      await zh.goto(`${zhUrl}?population=5000&replicates=2`, { waitUntil: 'load' });
      await zh.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 60000 });
      const font = await zh.evaluate(async () => {
        await document.fonts.ready;
        const faces = [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'pointsim CJK');
        return { status: faces.map((f) => f.status), check: document.fonts.check('16px "pointsim CJK"', '基准与改革'),
          lang: document.documentElement.lang, headline: document.getElementById('results-h').textContent };
      });
      if (!font.status.includes('loaded') || !font.check || font.lang !== 'zh-CN' || !/[\u4e00-\u9fff]/.test(font.headline)) {
        fail(`zh-CN page: font ${JSON.stringify(font)}`);
      }
      if (!fontReplies.length || fontReplies[0][0] !== 200 || !/max-age=\d+/.test(fontReplies[0][1] || '')) {
        fail(`zh-CN page: the font answers ${JSON.stringify(fontReplies)}`);
      }
      // which fonts Chromium drew a node's text with: the web font, never a system CJK font
      const cdp = await zh.target().createCDPSession();
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      const drawnWith = async (selector) => {
        const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
        if (!nodeId) fail(`zh-CN page: no ${selector}`);
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
        return fonts;
      };
      for (const selector of ['#results-h', '#dist-chart svg > text[text-anchor=end]', '#tier-chart svg text:last-of-type']) {
        const fonts = await drawnWith(selector);
        const cjk = fonts.filter((f) => f.isCustomFont);
        const system = fonts.filter((f) => !f.isCustomFont && /CJK|Hei|Song|Kai|Ming|Han/i.test(f.familyName));
        if (!cjk.length || system.length) fail(`zh-CN page: ${selector} is drawn with ${JSON.stringify(fonts)}`);
      }
      // the four-fifths ratios are the server's, flags and all
      const fair = await zh.evaluate(async () => {
        const api = await (await fetch('/api/explore' + location.search)).json();
        const rows = [...document.querySelectorAll('#fairness tbody tr')].map((tr) => ({
          item: tr.dataset.item, group: tr.dataset.group,
          base: tr.querySelector('td[data-side=base]').dataset.ratio,
          flagged: tr.querySelector('td[data-side=base]').dataset.flagged,
          text: tr.querySelector('td[data-side=base]').textContent,
        }));
        return { api: api.fairness, rows, summary: document.getElementById('fairness-summary').textContent };
      });
      const want = fair.api.items.flatMap((i) => i.by_group.map((g) => ({ item: i.id, group: g.group, a: g.base })));
      if (!want.length || want.length !== fair.rows.length) fail(`zh-CN page: ${fair.rows.length} four-fifths rows, the API has ${want.length}`);
      want.forEach((w, k) => {
        const r = fair.rows[k];
        const ratio = w.a === null ? '' : String(w.a.ratio);
        if (r.item !== w.item || r.group !== w.group || r.base !== ratio || r.flagged !== String(Boolean(w.a && w.a.flagged))) {
          fail(`zh-CN page: four-fifths row ${JSON.stringify(r)}, the API ${JSON.stringify(w)}`);
        }
      });
      const flaggedRow = fair.rows.find((r) => r.flagged === 'true');
      if (!flaggedRow || !flaggedRow.text.includes('低于 0.8')) fail(`zh-CN page: no flagged ratio shown (${JSON.stringify(fair.rows)})`);
      const zhShot = shot.replace(/(\.png)?$/, '-zh-CN.png');
      await zh.screenshot({ path: zhShot, fullPage: true });
      console.log(`ok: zh-CN: "${font.headline}" and chart labels drawn with the served font (${fontReplies[0][1]}); `
        + `${fair.rows.length} four-fifths rows as /api/explore ("${fair.summary}"); screenshot: ${zhShot}`);
      await zh.close();
    }

    // latency, change → redrawn, at each population
    for (const n of populations) {
      const u = new URL(url);
      u.searchParams.set('population', n);
      u.searchParams.set('replicates', '5');
      await page.goto(u.href, { waitUntil: 'load' });
      await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 60000 });
      const times = [];
      for (let i = 0; i < PRESSES; i++) times.push(await press(page, i % 2 ? 'ArrowDown' : 'ArrowUp'));
      const median = (k) => {
        const v = times.map((t) => t[k]).sort((a, b) => a - b);
        return v[Math.floor(v.length / 2)];
      };
      const max = (k) => Math.max(...times.map((t) => t[k]));
      const bytes = await page.evaluate(async () => (await (await fetch('/api/explore' + location.search)).arrayBuffer()).byteLength);
      console.log(JSON.stringify({
        population: Number(n), replicates: 5, presses: PRESSES,
        first_picture_median_ms: median('first'), first_picture_max_ms: max('first'),
        median_ms: median('full'), max_ms: max('full'),
        last_answer_server_median_ms: median('server'), last_answer_draw_median_ms: median('draw'), answer_bytes: bytes,
      }));
    }

    await page.goto(`${url}?set=rule.volunteer_service.points=10&set=rule.volunteer_service.rate=2&replicates=5`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 30000 });
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
    // the story over time at its middle snapshot, with the tier bars under it (OUT-time.png)
    await page.select('#series', 'tier_share.AA');
    const middle = await page.$eval('#snapshot', (r) => {
      r.value = String(Math.floor(Number(r.max) / 2));
      r.dispatchEvent(new Event('input', { bubbles: true }));
      return Number(r.value);
    });
    await page.waitForFunction((m) => Number(document.body.dataset.snapshot) === m, { timeout: 10000 }, middle);
    const clip = await page.evaluate(() => {
      const a = document.getElementById('time').getBoundingClientRect();
      const b = document.getElementById('tier-chart').getBoundingClientRect();
      return { x: a.left + scrollX, y: a.top + scrollY, width: Math.max(a.width, b.width), height: b.bottom - a.top };
    });
    const timeShot = shot.replace(/(\.png)?$/, '-time.png');
    await page.screenshot({ path: timeShot, clip, captureBeyondViewport: true });
    console.log(`screenshot: ${timeShot} (the story over time at snapshot ${middle})`);
    // a page written by --export, opened from disk with no server
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'explore-export-'));
    const saved = path.join(dir, 'page.html');
    execFileSync(pointsim, ['explore', scenario, '--set', 'rule.volunteer_service.points=10', '--export', saved]);
    await page.goto('file://' + saved, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 30000 });
    const rows = await page.$$eval('#headline tbody tr', (r) => r.length);
    const readOnly = await page.$eval('input[data-path="rule.volunteer_service.rate"]', (e) => e.readOnly);
    const grid = await page.$eval('input[data-path="rule.volunteer_service.points"]', (e) => !e.readOnly && e.value);
    if (rows < 2 || !readOnly || grid !== '10') fail(`the exported page shows ${rows} headline rows, rate read-only ${readOnly}, points ${grid}`);
    // a grid control moved with the keyboard shows that grid point's precomputed numbers
    await press(page, 'ArrowUp');
    const point = await page.$eval('body', (b) => b.dataset.gridPoint);
    if (point !== '11|960') fail(`ArrowUp on the exported page shows grid point ${point}`);
    const savedAA = await aa();
    const gridOut = fs.mkdtempSync(path.join(os.tmpdir(), 'explore-compare-'));
    execFileSync(pointsim, ['compare', scenario, '--set', 'rule.volunteer_service.points=11', '--set', 'tier.A.min=960',
      '--replicates', '5', '--out', gridOut, '--force', '-q', '--no-plots']);
    const gridCli = JSON.parse(fs.readFileSync(path.join(gridOut, 'compare.json'), 'utf8'));
    fs.rmSync(gridOut, { recursive: true, force: true });
    const want = gridCli.metrics.find((m) => m.name === 'tier_share.AA').reform_mean;
    if (Number(savedAA) !== want) fail(`grid point 11|960 shows AA ${savedAA}, pointsim compare gives ${want}`);
    console.log(`ok: the exported page shows ${rows} headline rows from disk; ArrowUp shows grid point ${point}, AA ${savedAA} as pointsim compare`);
    fs.rmSync(dir, { recursive: true, force: true });
    const outside = external.filter((u) => !u.startsWith('file://') && !u.startsWith('blob:'));
    if (outside.length) fail(`the page asked for other addresses: ${outside.join(', ')}`);
    if (errors.length) fail(`script errors on the page: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().catch((e) => fail(e.stack || String(e)));
