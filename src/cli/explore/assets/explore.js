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
    return c.section === 'rules' ? T('column_' + c.column, { label: c.label })
      : c.section === 'options' ? T('option_' + c.path) : c.label;
  }

  function buildForm() {
    const form = $('form');
    // `[explore]` chose the controls: one fieldset in its order; else one per section
    const sections = info.chosen ? [[null, T('legend_chosen')]] : [
      ['rules', T('legend_rules')],
      ['tiers', T('legend_tiers')],
      ['options', T('legend_options')],
    ];
    for (const [section, title] of sections) {
      const fs = el('fieldset');
      fs.append(el('legend', {}, title));
      for (const c of info.controls.filter((c) => section === null || c.section === section)) {
        const id = 'c-' + inputs.length;
        const row = el('div', { class: 'row' });
        const label = el('label', { for: id }, labelText(c, c.value));
        row.append(label);
        const input = el('input', { id, type: 'number', step: c.step, 'data-path': c.path, inputmode: 'decimal' });
        if (c.min !== null) input.min = c.min;
        if (c.max !== null) input.max = c.max;
        input.value = c.value;
        input.addEventListener('input', () => changed());
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
    update();
  }

  function update() {
    const q = query();
    history.replaceState(null, '', '/?' + q);
    $('overlay').href = '/api/overlay?' + q;
    if (inflight) inflight.abort();
    const ctrl = new AbortController();
    inflight = ctrl;
    const mine = ++generation;
    const started = changedAt || performance.now();
    document.body.dataset.state = 'computing';
    $('status').textContent = T('computing');
    fetch('/api/compare?' + q, { signal: ctrl.signal })
      .then(async (r) => {
        const body = await r.json();
        if (mine !== generation) return;
        if (r.status === 409) return; // overtaken by a newer request
        if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
        $('error').hidden = true;
        render(body);
        requestAnimationFrame(() => {
          if (mine !== generation) return;
          const ms = performance.now() - started;
          document.body.dataset.latencyMs = ms.toFixed(1);
          document.body.dataset.generation = String(mine);
          document.body.dataset.state = 'ready';
          $('status').textContent = T('redrawn', {
            subjects: body.groups.all.toLocaleString('en'), replicates: body.replicates, seed: body.seed, ms: ms.toFixed(0),
          });
        });
      })
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

  // Horizontal bars, base above reform, one pair per tier, with the share as text.
  function renderTierChart(doc) {
    const tiers = info.tiers;
    const rowH = 34, left = 150, width = 560, barW = width - left - 70;
    const s = svg('svg', { viewBox: `0 0 ${width} ${tiers.length * rowH + 30}`, role: 'img',
      'aria-label': T('tier_chart_label') });
    tiers.forEach((t, i) => {
      const m = metric(doc, 'tier_share.' + t.id);
      const y = 24 + i * rowH;
      s.append(svg('text', { x: 0, y: y + 14 }, t.id));
      [['base', m ? m.base_mean : 0], ['reform', m ? m.reform_mean : 0]].forEach(([side, x], k) => {
        const w = Math.max(0, (x || 0) * barW);
        s.append(svg('rect', { x: left, y: y + k * 14, width: w, height: 12, class: 'legend-' + side }));
        s.append(svg('text', { x: left + w + 4, y: y + k * 14 + 10 }, percent(x)));
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

  // Pooled final scores per bin: base as filled steps, reform as a line.
  function renderDistribution(doc) {
    const d = doc.distribution;
    const n = Math.max(d.base.length, d.reform.length);
    const width = 560, height = 200, pad = 30;
    const max = Math.max(1, ...d.base, ...d.reform);
    const x = (i) => pad + (i / Math.max(1, n)) * (width - 2 * pad);
    const y = (c) => height - pad - (c / max) * (height - 2 * pad);
    const path = (counts) => counts.map((c, i) => `${i ? 'L' : 'M'}${x(i)},${y(c)} H${x(i + 1)}`).join(' ');
    const s = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': T('dist_label', { lo: d.lo, bin: d.bin_width }) });
    s.append(svg('path', { d: path(d.base) + ` V${y(0)} H${x(0)} Z`, fill: 'var(--base)', 'fill-opacity': 0.35, stroke: 'var(--base)' }));
    s.append(svg('path', { d: path(d.reform), fill: 'none', stroke: 'var(--reform)', 'stroke-width': 2.5, 'stroke-dasharray': '6 3' }));
    s.append(svg('line', { x1: pad, y1: y(0), x2: width - pad, y2: y(0), stroke: '#999' }));
    s.append(svg('text', { x: pad, y: height - 8 }, String(d.lo)));
    s.append(svg('text', { x: width - pad, y: height - 8, 'text-anchor': 'end' }, String(d.lo + n * d.bin_width)));
    s.append(svg('text', { x: width / 2, y: height - 8, 'text-anchor': 'middle' }, T('dist_caption')));
    $('dist-chart').replaceChildren(s);
  }

  function render(doc) {
    renderHeadline(doc);
    renderTierChart(doc);
    renderMoves(doc);
    renderAccess(doc);
    renderDistribution(doc);
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
    $('description').textContent = info.description;
    document.title = `${info.name} · pointsim explore`;
    buildForm();
    readAddress(data ? data.query : location.search);
    $('lesson-back').addEventListener('click', () => { lesson -= 1; showLesson(); });
    $('lesson-next').addEventListener('click', () => { lesson += 1; showLesson(); });
    $('lesson-try').addEventListener('click', () => tryLesson());
    showLesson();
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
    for (const { c, input } of inputs) {
      input.readOnly = true;
      input.classList.toggle('changed', input.value.trim() !== c.value);
    }
    $('replicates').readOnly = true;
    $('reset').hidden = true;
    $('lesson-try').disabled = true;
    $('overlay').href = URL.createObjectURL(new Blob([data.overlay], { type: 'application/toml' }));
    render(data.compare);
    document.body.dataset.generation = '0';
    document.body.dataset.state = 'ready';
    $('status').textContent = T('saved', {
      subjects: data.compare.groups.all.toLocaleString('en'), replicates: data.compare.replicates, seed: data.compare.seed,
    });
  }

  init();
})();
