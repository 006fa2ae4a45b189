// pointsim explore: builds the controls from /api/scenario, keeps the state
// in the address (the paths `pointsim compare --set` takes), asks
// /api/compare for the comparison and draws it. Scenario text goes into the
// page only as text (textContent), never as HTML.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';

  let info = null;       // /api/scenario
  let inputs = [];       // [{ c: control, input }]
  let extra = [];        // sets from the address that no control shows, kept as they are
  let extraOptions = []; // options from the address whose control `[explore]` hides: [key, value]
  let lesson = 0;        // the lesson step shown
  let replicates = 5;
  let generation = 0;
  let inflight = null;
  let changedAt = 0;
  let retries = 0;       // requests asked again after another page's overtook them
  const QUICK_ABOVE = 200000; // subject-runs (subjects × replicates) from which a first picture comes first
  let shown = null;      // the comparison drawn: { doc: compare.json, timeline }
  let at = null;         // the snapshot chosen on the time line (an index), null: the last
  let timer = null;      // the interval of Play, null when paused
  let projector = new URLSearchParams(location.search).get('projector') === '1';
  // a page written by `pointsim explore --export`: its data, or null when served
  const saved = document.getElementById('explore-data');
  let strings = {};      // the page's words in the chosen language (/api/scenario)

  // The text `key` of strings.json with `{name}` replaced by `vars.name`.
  function T(key, vars = {}) {
    const text = strings[key] === undefined ? key : strings[key];
    return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  }

  // An element with text and attributes.
  function el(tag, attrs = {}, text = null) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== null) e.textContent = text;
    return e;
  }
  function svg(tag, attrs = {}, text = null) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== null) e.textContent = text;
    return e;
  }

  // As the command line prints shares (src/output/text.rs `percent`).
  function percent(x) {
    if (x === null || Number.isNaN(x)) return '–';
    const p = 100 * x;
    if (p > 0 && p < 0.05) return '<0.1%';
    if (p >= 99.95 && p < 100) return '>99.9%';
    return p.toFixed(1) + '%';
  }
  function change(x, share) {
    if (x === null || Number.isNaN(x)) return '–';
    const v = share ? 100 * x : x;
    if (Math.abs(v).toFixed(1) === '0.0') return share ? `0.0 ${T('pp')}` : '0.0';
    return (v > 0 ? '+' : '') + v.toFixed(1) + (share ? ` ${T('pp')}` : '');
  }
  // As the manifests quote a word for a shell.
  function shellQuote(w) {
    return w !== '' && /^[A-Za-z0-9\-_./,:=+@%]+$/.test(w) ? w : "'" + w.replace(/'/g, "'\\''") + "'";
  }
  // A query component that keeps `=` and `.` readable in the address bar.
  const enc = (s) => encodeURIComponent(s).replace(/%3D/g, '=');

  // A control's label: the scenario's sentence with `{value}` filled in, else the page's words.
  function labelText(c, value) {
    if (c.sentence !== null) return c.sentence.split('{value}').join(value);
    return c.section === 'tiers' ? c.label
      : c.section === 'options' ? T('option_' + c.path) : T('column_' + c.column, { label: c.label });
  }

  function buildForm() {
    const form = $('form');
    // `[explore]` chose the controls: one fieldset in its order; else one per section
    const sections = info.chosen ? [[null, T('legend_chosen')]] : [
      ['rules', T('legend_rules')],
      ['tiers', T('legend_tiers')],
      ['perks', T('legend_perks')],
      ['restrictions', T('legend_restrictions')],
      ['lists', T('legend_lists')],
      ['options', T('legend_options')],
    ];
    for (const [section, title] of sections) {
      const fs = el('fieldset');
      fs.append(el('legend', {}, title));
      const mine = info.controls.filter((c) => section === null || c.section === section);
      // a section the scenario has nothing for (no perks) gets no fieldset
      if (!mine.length && section !== 'options' && section !== null) continue;
      for (const c of mine) {
        const id = 'c-' + inputs.length;
        const row = el('div', { class: 'row' });
        const label = el('label', { for: id }, labelText(c, c.value));
        row.append(label);
        // a tier threshold chooses among the tier names (arrow keys move through them); else a number
        const input = c.choices ? el('select', { id, 'data-path': c.path })
          : el('input', { id, type: 'number', step: c.step, 'data-path': c.path, inputmode: 'decimal' });
        if (c.choices) for (const name of c.choices) input.append(el('option', { value: name }, name));
        if (c.min !== null) input.min = c.min;
        if (c.max !== null) input.max = c.max;
        input.value = c.value;
        input.addEventListener(c.choices ? 'change' : 'input', () => changed());
        row.append(input);
        fs.append(row);
        inputs.push({ c, input, label });
      }
      if (section === 'options' || section === null) {
        const row = el('div', { class: 'row' });
        row.append(el('label', { for: 'replicates' }, T('replicates')));
        const input = el('input', { id: 'replicates', type: 'number', step: '1', min: '1', max: '10000' });
        input.value = String(replicates);
        input.addEventListener('input', () => changed());
        row.append(input);
        fs.append(row);
      }
      form.append(fs);
    }
  }

  // Controls from the address: `set=PATH=VALUE`, `population=N`, `replicates=K`...
  function readAddress(search) {
    const params = new URLSearchParams(search);
    for (const set of params.getAll('set')) {
      const at = set.indexOf('=');
      const path = at < 0 ? set : set.slice(0, at).trim();
      const hit = inputs.find(({ c }) => c.section !== 'options' && c.path === path);
      if (hit && at >= 0) hit.input.value = set.slice(at + 1).trim();
      else extra.push(set);
    }
    for (const key of ['population', 'steps', 'seed']) {
      if (!params.has(key)) continue;
      const hit = inputs.find(({ c }) => c.section === 'options' && c.path === key);
      if (hit) hit.input.value = params.get(key);
      else extraOptions.push([key, params.get(key)]);
    }
    if (params.has('replicates')) $('replicates').value = params.get('replicates');
  }

  // The query of the current state, in the order the command line takes it.
  function query() {
    const parts = [];
    for (const { c, input, label } of inputs) {
      const v = input.value.trim();
      input.classList.toggle('changed', v !== c.value);
      if (c.sentence !== null) label.textContent = labelText(c, v);
      if (c.section !== 'options' && v !== c.value) parts.push('set=' + enc(`${c.path}=${v}`));
    }
    for (const s of extra) parts.push('set=' + enc(s));
    for (const { c, input } of inputs) {
      const v = input.value.trim();
      if (c.section === 'options' && v !== c.value) parts.push(`${c.path}=${enc(v)}`);
    }
    for (const [k, v] of extraOptions) parts.push(`${k}=${enc(v)}`);
    parts.push('replicates=' + enc($('replicates').value.trim()));
    return parts.join('&');
  }

  // The lesson panel: step `lesson` of info.lessons, with Back, Next and "Try it".
  function showLesson() {
    const steps = info.lessons;
    if (!steps.length) return;
    const l = steps[lesson];
    $('lesson').hidden = false;
    $('lesson-count').textContent = T('lesson_count', { n: lesson + 1, total: steps.length });
    $('lesson-title').textContent = l.title;
    $('lesson-text').textContent = l.text;
    $('lesson-change').textContent = l.set.length ? T('lesson_change', { change: l.set.join(', ') }) : '';
    $('lesson-try').hidden = !l.set.length;
    $('lesson-back').disabled = lesson === 0;
    $('lesson-next').disabled = lesson + 1 === steps.length;
    document.body.dataset.lesson = String(lesson);
  }

  // "Try it": the step's `PATH=VALUE`s go into their controls (or the kept sets), and the page redraws.
  function tryLesson() {
    for (const set of info.lessons[lesson].set) {
      const at = set.indexOf('=');
      const path = set.slice(0, at).trim();
      const value = set.slice(at + 1).trim();
      const hit = inputs.find(({ c }) => c.section !== 'options' && c.path === path);
      if (hit) {
        hit.input.value = value;
      } else {
        extra = extra.filter((s) => s.slice(0, Math.max(0, s.indexOf('='))).trim() !== path);
        extra.push(`${path}=${value}`);
      }
    }
    $('status').textContent = T('lesson_tried', { title: info.lessons[lesson].title });
    changed();
  }

  function changed() {
    changedAt = performance.now();
    retries = 0;
    if (saved) showGridPoint();
    else update();
  }

  // A saved page with a grid: the comparison the grid controls name, precomputed.
  let savedData = null;
  function showGridPoint() {
    const grid = savedData && savedData.grid;
    if (!grid) return;
    const key = [];
    for (const axis of grid.axes) {
      const hit = inputs.find(({ c }) => c.path === axis.path);
      const v = Number(hit ? hit.input.value : NaN);
      const at = axis.values.findIndex((x) => Math.abs(Number(x) - v) < 1e-9);
      if (at < 0) {
        $('error').textContent = T('grid_off', { path: axis.path, values: axis.values.join(', ') });
        $('error').hidden = false;
        document.body.dataset.state = 'error';
        return;
      }
      key.push(axis.values[at]);
    }
    const cell = grid.cells[key.join('|')];
    $('error').hidden = true;
    for (const { c, input } of inputs) input.classList.toggle('changed', input.value.trim() !== c.value);
    render(cell.compare, cell.timeline, cell.fairness);
    document.body.dataset.generation = String(Number(document.body.dataset.generation || 0) + 1);
    document.body.dataset.gridPoint = key.join('|');
    document.body.dataset.state = 'ready';
    $('status').textContent = T('grid_point', {
      point: grid.axes.map((a, i) => `${a.path}=${key[i]}`).join(', '),
      subjects: cell.compare.groups.all.toLocaleString('en'), replicates: cell.compare.replicates,
    });
  }

  // Ask for the comparison of the current state and draw it. When it is
  // large (QUICK_ABOVE subject-runs or more), a first picture comes from one
  // replicate (state `refining`, its time in data-first-ms), then the whole
  // comparison redraws it with its intervals (state `ready`, data-latency-ms);
  // a smaller one is fast enough at once, and a second round trip would only slow it.
  function update() {
    const q = query();
    history.replaceState(null, '', '/?' + q + (projector ? '&projector=1' : ''));
    $('overlay').href = '/api/overlay?' + q;
    if (inflight) inflight.abort();
    const ctrl = new AbortController();
    inflight = ctrl;
    const mine = ++generation;
    const started = changedAt || performance.now();
    document.body.dataset.state = 'computing';
    $('status').textContent = T('computing');
    const k = Number($('replicates').value.trim());
    const size = inputs.find(({ c }) => c.path === 'population');
    const subjects = Number(size ? size.input.value : shown ? shown.doc.groups.all : 0);
    const quick = Number.isInteger(k) && k > 1 && k <= 10000 && subjects * k >= QUICK_ABOVE
      ? q.replace(/(^|&)replicates=[^&]*/, '$1replicates=1') : null;
    // draw one answer; true when the page is still this request's
    const handle = async (r, final) => {
      const body = await r.json();
      if (mine !== generation) return false;
      if (r.status === 409) {
        // overtaken by a newer request from another page on this server:
        // ask again a few times, then say so (two pages would only stop each other)
        if (retries < 3) {
          retries += 1;
          update();
        } else {
          document.body.dataset.state = 'error';
          $('status').textContent = T('superseded');
        }
        return false;
      }
      if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
      $('error').hidden = true;
      const drawStart = performance.now();
      render(body.compare, body.timeline, body.fairness);
      const timing = /dur=([\d.]+)/.exec(r.headers.get('Server-Timing') || '');
      document.body.dataset.drawMs = (performance.now() - drawStart).toFixed(1);
      document.body.dataset.serverMs = timing ? timing[1] : '';
      await new Promise((done) => requestAnimationFrame(done));
      if (mine !== generation) return false;
      const ms = performance.now() - started;
      const words = {
        subjects: body.compare.groups.all.toLocaleString('en'), replicates: body.compare.replicates,
        seed: body.compare.seed, ms: ms.toFixed(0), asked: k,
      };
      if (!final) {
        document.body.dataset.firstMs = ms.toFixed(1);
        document.body.dataset.state = 'refining';
        $('status').textContent = T('refining', words);
        return true;
      }
      retries = 0;
      if (!quick) document.body.dataset.firstMs = ms.toFixed(1);
      document.body.dataset.latencyMs = ms.toFixed(1);
      document.body.dataset.generation = String(mine);
      document.body.dataset.state = 'ready';
      $('status').textContent = T('redrawn', words);
      return true;
    };
    const ask = (query, final) => fetch('/api/explore?' + query, { signal: ctrl.signal }).then((r) => handle(r, final));
    (quick ? ask(quick, false).then((go) => go && ask(q, true)) : ask(q, true))
      .catch((e) => {
        if (e.name === 'AbortError' || mine !== generation) return;
        $('error').textContent = String(e.message || e);
        $('error').hidden = false;
        document.body.dataset.state = 'error';
        $('status').textContent = T('cannot_run');
      });
  }

  const metric = (doc, name) => doc.metrics.find((m) => m.name === name);

  function renderHeadline(doc) {
    const body = $('headline').tBodies[0];
    body.replaceChildren();
    const label = new Map();
    for (const t of info.tiers) label.set('tier_share.' + t.id, T('tier', { id: t.id, label: t.label }));
    for (const p of info.perks) label.set('perk_share.' + p.id, T('perk', { label: p.label }));
    for (const p of info.restrictions) label.set('restriction_share.' + p.id, T('restriction', { label: p.label }));
    for (const l of info.lists || []) label.set('list_share.' + l.id, T('list', { label: l.label }));
    label.set('score.mean', T('mean_score'));
    const shown = doc.metrics.filter(
      (m) => m.name === 'score.mean' || !(m.name.startsWith('group.') || m.name.startsWith('score.')),
    );
    for (const m of shown) {
      const share = m.name.includes('share');
      const v = (x) => (share ? percent(x) : x === null ? '–' : x.toFixed(1));
      const tr = el('tr', { 'data-metric': m.name });
      tr.append(el('th', { scope: 'row' }, label.get(m.name) || m.name));
      for (const [side, x, text] of [
        ['base', m.base_mean, v(m.base_mean)],
        ['reform', m.reform_mean, v(m.reform_mean)],
        ['diff', m.diff_mean, change(m.diff_mean, share)],
      ]) {
        tr.append(el('td', { 'data-side': side, 'data-value': String(x) }, text));
      }
      const ci = m.diff_ci_lo === null ? '–' : `[${change(m.diff_ci_lo, share)}, ${change(m.diff_ci_hi, share)}]`;
      tr.append(el('td', { 'data-side': 'ci' }, ci));
      body.append(tr);
    }
  }

  // The timeline's series `name`, or undefined.
  const seriesOf = (timeline, name) => timeline && timeline.series.find((x) => x.name === name);
  // The chosen snapshot's index in `timeline.steps`.
  const atIndex = (timeline) => (at === null ? timeline.steps.length - 1 : Math.min(at, timeline.steps.length - 1));

  // Horizontal bars, base above reform, one pair per tier, with the share as
  // text: at the snapshot chosen on the time line, else at the end.
  function renderTierChart(doc, timeline) {
    const tiers = info.tiers;
    const i = timeline && timeline.steps.length ? atIndex(timeline) : null;
    $('tiers-h').textContent = i === null ? T('tiers_h') : T('tiers_at', { step: timeline.steps[i] });
    const rowH = 34, left = 150, width = 560, barW = width - left - 70;
    const s = svg('svg', { viewBox: `0 0 ${width} ${tiers.length * rowH + 30}`, role: 'img',
      'aria-label': T('tier_chart_label') });
    tiers.forEach((t, k) => {
      const ser = i === null ? undefined : seriesOf(timeline, 'tier_share.' + t.id);
      const m = ser ? { base_mean: ser.base[i], reform_mean: ser.reform[i] } : metric(doc, 'tier_share.' + t.id);
      const y = 24 + k * rowH;
      s.append(svg('text', { x: 0, y: y + 14 }, t.id));
      [['base', m ? m.base_mean : 0], ['reform', m ? m.reform_mean : 0]].forEach(([side, x], j) => {
        const w = Math.max(0, (x || 0) * barW);
        s.append(svg('rect', { x: left, y: y + j * 14, width: w, height: 12, class: 'legend-' + side,
          'data-tier': t.id, 'data-side': side, 'data-value': String(x) }));
        s.append(svg('text', { x: left + w + 4, y: y + j * 14 + 10 }, percent(x)));
      });
    });
    s.append(svg('rect', { x: left, y: 2, width: 12, height: 12, class: 'legend-base' }));
    s.append(svg('text', { x: left + 16, y: 12 }, T('base')));
    s.append(svg('rect', { x: left + 70, y: 2, width: 12, height: 12, class: 'legend-reform' }));
    s.append(svg('text', { x: left + 86, y: 12 }, T('reform')));
    $('tier-chart').replaceChildren(s);
  }

  function renderMoves(doc) {
    const m = doc.moved && doc.moved.all;
    $('moved').textContent = m
      ? T('moved', { up: percent(m.up), down: percent(m.down), same: percent(m.same) })
      : T('moved_none');
    const t = doc.transitions;
    const matrix = t.by_group.all;
    const n = matrix.flat().reduce((a, b) => a + b, 0);
    const table = $('transitions');
    table.replaceChildren();
    const head = el('tr');
    head.append(el('th', { scope: 'col' }, T('transitions_corner')));
    for (const r of t.reform_tiers) head.append(el('th', { scope: 'col' }, r));
    table.append(el('thead'));
    table.tHead.append(head);
    const body = el('tbody');
    matrix.forEach((row, i) => {
      const tr = el('tr');
      tr.append(el('th', { scope: 'row' }, t.base_tiers[i]));
      row.forEach((x, j) => {
        tr.append(el('td', { 'data-from': t.base_tiers[i], 'data-to': t.reform_tiers[j], 'data-value': String(x) },
          percent(n ? x / n : NaN)));
      });
      body.append(tr);
    });
    table.append(body);
  }

  function renderAccess(doc) {
    const table = $('access');
    table.replaceChildren();
    const groups = Object.keys(doc.groups);
    const head = el('tr');
    head.append(el('th', { scope: 'col' }, T('access_corner')));
    for (const g of groups) head.append(el('th', { scope: 'col' }, g));
    table.append(el('thead'));
    table.tHead.append(head);
    const body = el('tbody');
    const label = new Map([...info.perks, ...info.restrictions].map((p) => [p.id, p.label]));
    for (const a of doc.access) {
      const tr = el('tr', { 'data-access': a.id });
      tr.append(el('th', { scope: 'row' }, `${T('kind_' + a.kind)} ${label.get(a.id) || a.id}`));
      for (const g of groups) {
        const x = a.by_group[g];
        tr.append(el('td', { 'data-group': g }, x ? `${percent(x.held_base)} → ${percent(x.held_reform)}` : '–'));
      }
      body.append(tr);
    }
    table.append(body);
  }

  // Viridis at t in [0, 1] (the charts' tier colours, src/plot/charts/theme.rs), mixed
  // with `white` of white: anchors every eighth, linear between.
  const VIRIDIS = [[68, 1, 84], [70, 50, 127], [54, 92, 141], [39, 127, 142], [31, 161, 135],
    [74, 194, 109], [159, 218, 58], [253, 231, 37]];
  function tierColour(i, n, white) {
    const t = n <= 1 ? 0.35 : ((n - 1 - i) / (n - 1)) * 0.95;
    const f = t * (VIRIDIS.length - 1), k = Math.min(VIRIDIS.length - 2, Math.floor(f)), u = f - k;
    const c = VIRIDIS[k].map((v, j) => v + (VIRIDIS[k + 1][j] - v) * u);
    return `rgb(${c.map((v) => Math.round(v + (255 - v) * white)).join(',')})`;
  }
  // A side's tiers (compare.json's `base.tiers`, highest first) lowest first,
  // each with the scores it covers: [{ name, label, from (null: no floor), to (null: no ceiling) }].
  function tierRanges(tiers) {
    const low = [...(tiers || [])].sort((a, b) => a.min - b.min);
    return low.map((t, i) => ({ name: t.name, label: t.label, from: i === 0 ? null : t.min,
      to: i + 1 < low.length ? low[i + 1].min : null }));
  }
  // "AA ≥ 1030, A 960–1029, B 850–959, C < 850", highest first.
  function rangesText(ranges) {
    return [...ranges].reverse().map((r) => (ranges.length === 1 ? r.name
      : r.from === null ? `${r.name} < ${r.to}` : r.to === null ? `${r.name} ≥ ${r.from}`
        : `${r.name} ${r.from}–${r.to - 1}`)).join(', ');
  }

  // Pooled final scores per bin: base as filled steps, reform as a line; behind
  // them the base's tier bands, with the reform's thresholds that differ as
  // dashed lines, and under the axis a strip of each side's tiers.
  function renderDistribution(doc) {
    const d = doc.distribution;
    const n = Math.max(d.base.length, d.reform.length);
    const width = 560, height = 250, left = 62, right = 14, top = 10, plotBottom = 180;
    const hi = d.lo + n * d.bin_width;
    const max = Math.max(1, ...d.base, ...d.reform);
    const x = (i) => left + (i / Math.max(1, n)) * (width - left - right);
    const xs = (score) => x((score - d.lo) / d.bin_width); // a score's place on the axis
    const clip = (v) => Math.max(left, Math.min(width - right, v));
    const y = (c) => plotBottom - (c / max) * (plotBottom - top);
    const path = (counts) => counts.map((c, i) => `${i ? 'L' : 'M'}${x(i)},${y(c)} H${x(i + 1)}`).join(' ');
    const s = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': T('dist_label', { lo: d.lo, bin: d.bin_width }) });
    const sides = [['base', tierRanges(doc.base.tiers)], ['reform', tierRanges(doc.reform.tiers)]];
    // a band's left and right edge on the axis, or null when it lies off it
    const edges = (r) => {
      const a = r.from === null ? left : clip(xs(r.from)), b = r.to === null ? width - right : clip(xs(r.to));
      return b > a ? [a, b] : null;
    };
    sides[0][1].forEach((r, i, all) => {
      const e = edges(r);
      if (e) s.append(svg('rect', { x: e[0], y: top, width: e[1] - e[0], height: plotBottom - top,
        fill: tierColour(i, all.length, 0.8) }));
    });
    s.append(svg('path', { d: path(d.base) + ` V${y(0)} H${x(0)} Z`, fill: 'var(--base)', 'fill-opacity': 0.35, stroke: 'var(--base)' }));
    s.append(svg('path', { d: path(d.reform), fill: 'none', stroke: 'var(--reform)', 'stroke-width': 2.5, 'stroke-dasharray': '6 3' }));
    s.append(svg('line', { x1: left, y1: y(0), x2: width - right, y2: y(0), stroke: '#999' }));
    // the reform's thresholds the base lacks (another score or another tier)
    const bounds = (rs) => rs.filter((r) => r.from !== null).map((r) => `${r.name}@${r.from}`);
    const baseBounds = bounds(sides[0][1]);
    for (const r of sides[1][1]) {
      if (r.from === null || baseBounds.includes(`${r.name}@${r.from}`)) continue;
      const at = xs(r.from);
      if (at <= left || at >= width - right) continue;
      s.append(svg('line', { x1: at, y1: top, x2: at, y2: plotBottom, class: 'threshold-reform',
        'data-tier': r.name, 'data-min': r.from }));
    }
    // one strip per side: its tiers' bands with their names where they fit
    sides.forEach(([side, ranges], k) => {
      const y0 = plotBottom + 6 + k * 22;
      s.append(svg('text', { x: left - 6, y: y0 + 13, 'text-anchor': 'end' }, T(side)));
      ranges.forEach((r, i) => {
        const e = edges(r);
        if (!e) return;
        s.append(svg('rect', { x: e[0], y: y0, width: e[1] - e[0], height: 18, class: 'band',
          fill: tierColour(i, ranges.length, 0.45), 'data-side': side, 'data-tier': r.name,
          'data-from': r.from === null ? '' : r.from, 'data-to': r.to === null ? '' : r.to }));
        if (7.5 * r.name.length + 8 <= e[1] - e[0]) {
          s.append(svg('text', { x: (e[0] + e[1]) / 2, y: y0 + 13, 'text-anchor': 'middle' }, r.name));
        }
      });
    });
    const axisY = height - 6;
    s.append(svg('text', { x: left, y: axisY }, String(d.lo)));
    s.append(svg('text', { x: width - right, y: axisY, 'text-anchor': 'end' }, String(hi)));
    s.append(svg('text', { x: (left + width - right) / 2, y: axisY, 'text-anchor': 'middle' }, T('dist_caption')));
    $('dist-chart').replaceChildren(s);
    const [b, r] = [rangesText(sides[0][1]), rangesText(sides[1][1])];
    $('dist-tiers').textContent = T('dist_tiers_base', { list: b }) + ' '
      + (b === r ? T('dist_tiers_same') : T('dist_tiers_reform', { list: r }));
  }

  // The four-fifths ratios of both sides, as the server computed them (the rule of summary.json).
  function renderFairness(fair) {
    const table = $('fairness');
    table.replaceChildren();
    const items = fair ? fair.items : [];
    if (!items.length) {
      $('fairness-summary').textContent = T('fairness_none');
      return;
    }
    const head = el('tr');
    for (const k of ['fairness_corner', 'col_ratio_base', 'col_ratio_reform']) head.append(el('th', { scope: 'col' }, T(k)));
    table.append(el('thead'));
    table.tHead.append(head);
    const body = el('tbody');
    const label = new Map([...info.perks, ...info.restrictions].map((p) => [p.id, p.label]));
    const flagged = { base: 0, reform: 0 };
    const cell = (a) => (a === null ? T('not_applicable')
      : `${a.ratio.toFixed(2)} [${a.low.toFixed(2)}, ${a.high.toFixed(2)}]${a.flagged ? ' ' + T('flagged') : ''}`);
    for (const item of items) {
      for (const g of item.by_group) {
        const tr = el('tr', { 'data-item': item.id, 'data-group': g.group });
        tr.append(el('th', { scope: 'row' }, `${T('kind_' + item.kind)} ${label.get(item.id) || item.id}, ${g.group}`));
        for (const side of ['base', 'reform']) {
          const a = g[side];
          if (a && a.flagged) flagged[side] += 1;
          tr.append(el('td', { 'data-side': side, 'data-ratio': a === null ? '' : String(a.ratio),
            'data-flagged': String(Boolean(a && a.flagged)), class: a && a.flagged ? 'flagged' : '' }, cell(a)));
        }
        body.append(tr);
      }
    }
    table.append(body);
    $('fairness-summary').textContent = T('fairness_summary', { base: flagged.base, reform: flagged.reform });
  }

  // A series' label and how its values read.
  function seriesLabel(name) {
    const [kind, id] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
    if (name === 'score.mean') return T('mean_score');
    const find = (list) => (list.find((x) => x.id === id) || { id, label: id });
    if (kind === 'tier_share') { const t = find(info.tiers); return T('tier', { id: t.id, label: t.label }); }
    if (kind === 'perk_share') return T('perk', { label: find(info.perks).label });
    return T('restriction', { label: find(info.restrictions).label });
  }
  const seriesValue = (name, x) => (name === 'score.mean' ? (x === null ? '–' : x.toFixed(1)) : percent(x));

  // The time line: the chosen series over the snapshots, base and reform,
  // a mark at the chosen snapshot, and every number at it as text.
  function renderTimeline() {
    const timeline = shown && shown.timeline;
    $('time').hidden = !timeline || timeline.steps.length < 2;
    if ($('time').hidden) return;
    const select = $('series');
    const names = timeline.series.map((x) => x.name);
    if ([...select.options].map((o) => o.value).join() !== names.join()) {
      const keep = select.value;
      select.replaceChildren(...names.map((n) => el('option', { value: n }, seriesLabel(n))));
      select.value = names.includes(keep) ? keep : names[0];
    }
    const i = atIndex(timeline);
    const steps = timeline.steps;
    const range = $('snapshot');
    range.max = String(steps.length - 1);
    range.value = String(i);
    range.setAttribute('aria-valuetext', T('step_of', { step: steps[i], last: steps[steps.length - 1] }));
    $('snapshot-label').textContent = T('step_of', { step: steps[i], last: steps[steps.length - 1] });
    document.body.dataset.snapshot = String(steps[i]);
    $('step-back').disabled = i === 0;
    $('step-forward').disabled = i === steps.length - 1;

    const ser = seriesOf(timeline, select.value);
    const width = 560, height = 190, left = 72, right = 12, top = 10, bottom = 30;
    const values = [...ser.base, ...ser.reform].filter((v) => v !== null);
    let lo = Math.min(...values), hi = Math.max(...values);
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    const last = steps[steps.length - 1] || 1;
    const x = (step) => left + (step / last) * (width - left - right);
    const y = (v) => top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom);
    const line = (vs) => vs.map((v, k) => (v === null ? '' : `${k && vs[k - 1] !== null ? 'L' : 'M'}${x(steps[k])},${y(v)}`)).join(' ');
    const s = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': T('time_label', { what: seriesLabel(ser.name) }) });
    s.append(svg('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, stroke: '#999' }));
    s.append(svg('text', { x: left - 4, y: y(hi) + 4, 'text-anchor': 'end' }, seriesValue(ser.name, hi)));
    s.append(svg('text', { x: left - 4, y: y(lo) + 4, 'text-anchor': 'end' }, seriesValue(ser.name, lo)));
    s.append(svg('text', { x: left, y: height - 8 }, '0'));
    s.append(svg('text', { x: width - right, y: height - 8, 'text-anchor': 'end' }, String(last)));
    s.append(svg('text', { x: (left + width) / 2, y: height - 8, 'text-anchor': 'middle' }, T('time_caption')));
    s.append(svg('line', { x1: x(steps[i]), y1: top, x2: x(steps[i]), y2: height - bottom, class: 'cursor' }));
    s.append(svg('path', { d: line(ser.base), class: 'line-base' }));
    s.append(svg('path', { d: line(ser.reform), class: 'line-reform' }));
    $('time-chart').replaceChildren(s);

    const body = $('at-step').tBodies[0];
    body.replaceChildren();
    for (const x of timeline.series) {
      const tr = el('tr', { 'data-metric': x.name });
      tr.append(el('th', { scope: 'row' }, seriesLabel(x.name)));
      const d = x.base[i] === null || x.reform[i] === null ? null : x.reform[i] - x.base[i];
      for (const [side, v, text] of [
        ['base', x.base[i], seriesValue(x.name, x.base[i])],
        ['reform', x.reform[i], seriesValue(x.name, x.reform[i])],
        ['diff', d, change(d, x.name !== 'score.mean')],
      ]) tr.append(el('td', { 'data-side': side, 'data-value': String(v) }, text));
      body.append(tr);
    }
  }

  // Show snapshot `i` (clamped): the time line, its table and the tier bars follow.
  function choose(i) {
    const timeline = shown && shown.timeline;
    if (!timeline) return;
    const n = timeline.steps.length;
    at = Math.max(0, Math.min(n - 1, i));
    if (at === n - 1) at = null;
    renderTimeline();
    renderTierChart(shown.doc, timeline);
  }
  function pause() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    $('play').textContent = T('play');
    $('play').setAttribute('aria-pressed', 'false');
    document.body.dataset.playing = 'false';
  }
  function play() {
    const timeline = shown && shown.timeline;
    if (!timeline) return;
    if (at === null) choose(0); // from the start when at the end
    $('play').textContent = T('pause');
    $('play').setAttribute('aria-pressed', 'true');
    document.body.dataset.playing = 'true';
    const every = Math.max(60, Math.min(400, 8000 / timeline.steps.length));
    timer = setInterval(() => {
      const next = atIndex(shown.timeline) + 1;
      choose(next);
      if (next >= shown.timeline.steps.length - 1) pause();
    }, every);
  }
  function setProjector(on) {
    projector = on;
    document.body.classList.toggle('projector', on);
    $('projector').setAttribute('aria-pressed', String(on));
    if (!saved) {
      const u = new URL(location.href);
      if (on) u.searchParams.set('projector', '1');
      else u.searchParams.delete('projector');
      history.replaceState(null, '', u.pathname + u.search);
    }
  }

  function render(doc, timeline = null, fairness = null) {
    shown = { doc, timeline };
    renderHeadline(doc);
    renderTimeline();
    renderTierChart(doc, timeline);
    renderMoves(doc);
    renderAccess(doc);
    renderDistribution(doc);
    renderFairness(fairness);
    $('command').textContent = doc.command.argv.map(shellQuote).join(' ');
  }

  async function init() {
    const data = saved ? JSON.parse(saved.textContent) : null;
    if (data) {
      info = data.scenario;
    } else {
      try {
        const r = await fetch('/api/scenario');
        info = await r.json();
      } catch (e) {
        $('status').textContent = 'cannot reach the pointsim server';
        return;
      }
    }
    strings = info.strings;
    document.documentElement.lang = info.lang;
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = T(e.dataset.t);
    replicates = info.replicates;
    $('name').textContent = info.name;
    $('overlay').setAttribute('download', info.overlay_name);
    $('overlay-hint').textContent = T('overlay_hint', { name: info.overlay_name, file: info.overlay_extends });
    $('description').textContent = info.description;
    document.title = `${info.name} · pointsim explore`;
    buildForm();
    readAddress(data ? data.query : location.search);
    $('lesson-back').addEventListener('click', () => { lesson -= 1; showLesson(); });
    $('lesson-next').addEventListener('click', () => { lesson += 1; showLesson(); });
    $('lesson-try').addEventListener('click', () => tryLesson());
    showLesson();
    $('play').addEventListener('click', () => (timer === null ? play() : pause()));
    $('step-back').addEventListener('click', () => { pause(); choose(atIndex(shown.timeline) - 1); });
    $('step-forward').addEventListener('click', () => { pause(); choose(atIndex(shown.timeline) + 1); });
    $('snapshot').addEventListener('input', () => { pause(); choose(Number($('snapshot').value)); });
    $('series').addEventListener('change', () => renderTimeline());
    $('projector').addEventListener('click', () => setProjector(!projector));
    setProjector(projector);
    $('reset').addEventListener('click', () => {
      for (const { c, input } of inputs) input.value = c.value;
      extra = [];
      extraOptions = [];
      $('replicates').value = String(info.replicates);
      changed();
    });
    $('copy').addEventListener('click', async () => {
      const text = $('command').textContent;
      try {
        await navigator.clipboard.writeText(text);
        $('status').textContent = T('copied');
      } catch (e) {
        const range = document.createRange();
        range.selectNodeContents($('command'));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        $('status').textContent = T('selected');
      }
    });
    if (data) {
      showSaved(data);
      return;
    }
    update();
  }

  // A saved page: the controls show the state but do not change it.
  function showSaved(data) {
    savedData = data;
    const onGrid = (path) => data.grid && data.grid.axes.some((a) => a.path === path);
    for (const { c, input } of inputs) {
      if (c.choices) input.disabled = !onGrid(c.path);
      else input.readOnly = !onGrid(c.path);
      // the arrow keys of a grid control step through its evenly spaced values
      const axis = data.grid && data.grid.axes.find((a) => a.path === c.path);
      if (axis && axis.values.length > 1) {
        const v = axis.values.map(Number);
        const step = v[1] - v[0];
        if (v.every((x, i) => i === 0 || Math.abs(x - v[i - 1] - step) < 1e-9)) {
          input.min = String(v[0]);
          input.max = String(v[v.length - 1]);
          input.step = String(step);
        }
      }
      input.classList.toggle('changed', input.value.trim() !== c.value);
    }
    $('replicates').readOnly = true;
    $('reset').hidden = true;
    $('lesson-try').disabled = true;
    $('overlay').href = URL.createObjectURL(new Blob([data.overlay], { type: 'application/toml' }));
    render(data.compare, data.timeline || null, data.fairness || null);
    document.body.dataset.generation = '0';
    document.body.dataset.state = 'ready';
    $('status').textContent = T('saved', {
      subjects: data.compare.groups.all.toLocaleString('en'), replicates: data.compare.replicates, seed: data.compare.seed,
    });
    if (data.grid) {
      $('status').textContent += ' ' + T('grid_saved', { paths: data.grid.axes.map((a) => a.path).join(', ') });
    }
  }

  init();
})();
