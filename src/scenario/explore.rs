//! `[explore]` and `[[lesson]]`: what the `pointsim explore` page shows and
//! the lesson it walks through. `pointsim run` ignores both; `check` and
//! every load check them, with positions.
//!
//! A control is named as the page names it: `rule.<id>.points`,
//! `rule.<id>.rate`, `tier.<name>.min` (the paths `--set` takes), or the
//! options `population`, `steps` and `seed`. A lesson step's change is a list
//! of `PATH=VALUE` as `compare --set` takes them; its paths are checked
//! against the scenario with the same parser as `--set` ([`super::path`]), so a
//! typo is found by `check`, not by a class.

use std::collections::HashMap;

use super::check::{Checker, num};
use super::limits::{MAX_EXPLORE_CONTROLS, MAX_GRID_CONTROLS, MAX_GRID_POINTS, MAX_LESSON_SETS, MAX_LESSONS};
use super::path::{ParamPath, check as check_path, split_set};
use super::spec::FileSpec;

/// The explore page's settings from the file: which controls, their ranges and labels, the lesson.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExplorePage {
    /// The controls to show, in order (`None`: every control, in the page's order).
    pub controls: Option<Vec<String>>,
    /// Settings of single controls.
    pub settings: Vec<ControlSettings>,
    /// The lesson's steps, in order.
    pub lessons: Vec<Lesson>,
    /// The controls `--export` computes every value of (`explore.grid`), in order.
    pub grid: Vec<String>,
}

/// The range, step and label of one control.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ControlSettings {
    /// The control's path (`rule.volunteering.points`, `population`).
    pub path: String,
    /// The lowest value offered.
    pub min: Option<f64>,
    /// The highest value offered.
    pub max: Option<f64>,
    /// The arrow-key step.
    pub step: Option<f64>,
    /// A sentence in which `{value}` stands for the current value.
    pub label: Option<String>,
    /// The values of the grid, when given as a list.
    pub values: Option<Vec<f64>>,
}

/// One step of a lesson.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lesson {
    /// Its title.
    pub title: String,
    /// What it explains.
    pub text: String,
    /// The change "Try it" makes: `PATH=VALUE`, as `compare --set` takes it.
    pub set: Vec<String>,
}

impl ExplorePage {
    /// The settings of the control at `path`, if the file gives any.
    pub fn settings_of(&self, path: &str) -> Option<&ControlSettings> {
        self.settings.iter().find(|s| s.path == path)
    }

    /// Each grid control with its values: its `values`, else from its `min` to its `max` by its `step`.
    pub fn grid_values(&self) -> Vec<(String, Vec<f64>)> {
        self.grid
            .iter()
            .map(|p| {
                let s = self.settings_of(p);
                let listed = s.and_then(|s| s.values.clone());
                let values = listed
                    .or_else(|| s.and_then(|s| Some(steps(s.min?, s.max?, s.step?))))
                    .unwrap_or_default();
                (p.clone(), values)
            })
            .collect()
    }
}

/// `min`, `min + step`, ... up to `max` (rounded to 9 decimals, so that
/// `0.1 + 0.2` is `0.3`); at most [`MAX_GRID_POINTS`] + 1 values.
pub fn steps(min: f64, max: f64, step: f64) -> Vec<f64> {
    let n = grid_count(min, max, step).min(MAX_GRID_POINTS + 1);
    (0..n).map(|i| ((min + i as f64 * step) * 1e9).round() / 1e9).collect()
}

/// How many values [`steps`] gives, uncapped (0 for a range that is not one).
fn grid_count(min: f64, max: f64, step: f64) -> usize {
    if !(min.is_finite() && max.is_finite() && step.is_finite() && step > 0.0 && max >= min) {
        return 0;
    }
    let n = ((max - min) / step + 1e-9).floor() + 1.0;
    if n > 1e9 { usize::MAX } else { n as usize }
}

/// A control the page has: its path, the scenario's value (`None`: a choice
/// of tier names, not a number), and whether it takes whole numbers.
struct Control {
    path: String,
    value: Option<f64>,
    integer: bool,
}

/// The page's controls for `spec`, in the page's order: rules, tiers, perks,
/// restrictions, lists, options. A perk or restriction has a control for the
/// threshold it is given by (`min_score`/`max_score`, or the tier choice
/// `min_tier`/`max_tier`); a list one for its `duration` and its score
/// threshold (`enter_below`/`enter_at_least`), when it has them.
fn page_controls(spec: &FileSpec) -> Vec<Control> {
    let mut out = Vec::new();
    let number = |path: String, value: f64, integer: bool| Control { path, value: Some(value), integer };
    let choice = |path: String| Control { path, value: None, integer: false };
    for r in &spec.rule {
        out.push(number(format!("rule.{}.points", r.id), r.points as f64, true));
        out.push(number(format!("rule.{}.rate", r.id), r.rate, false));
    }
    for t in &spec.tier {
        out.push(number(format!("tier.{}.min", t.name), t.min as f64, true));
    }
    for p in &spec.perk {
        if let Some(v) = p.min_score {
            out.push(number(format!("perk.{}.min_score", p.id), v as f64, true));
        }
        if p.min_tier.is_some() {
            out.push(choice(format!("perk.{}.min_tier", p.id)));
        }
    }
    for r in &spec.restriction {
        if let Some(v) = r.max_score {
            out.push(number(format!("restriction.{}.max_score", r.id), v as f64, true));
        }
        if r.max_tier.is_some() {
            out.push(choice(format!("restriction.{}.max_tier", r.id)));
        }
    }
    for l in &spec.list {
        let keys =
            [("duration", l.duration), ("enter_below", l.enter_below), ("enter_at_least", l.enter_at_least)];
        for (key, v) in keys {
            if let Some(v) = v {
                out.push(number(format!("list.{}.{key}", l.id), v as f64, true));
            }
        }
    }
    out.push(number("population".into(), spec.population.size as f64, true));
    out.push(number("steps".into(), spec.scenario.steps as f64, true));
    out.push(number("seed".into(), spec.scenario.seed() as f64, true));
    out
}

/// Why `path` is no control: the path parser's message for a wrong `--set` path, else that the page has none.
fn not_a_control(doc: &mut Option<toml::Table>, spec: &FileSpec, path: &str) -> (String, String) {
    let doc = doc.get_or_insert_with(|| toml::Table::try_from(spec).unwrap_or_default());
    let wrong = ParamPath::parse(path).and_then(|p| check_path(doc, &p).map(|()| p));
    match wrong {
        Err(e) => (
            format!("`{path}` is not a control: {}", e.message.replace("the base scenario", "the scenario")),
            e.hint.unwrap_or_else(|| CONTROLS_HINT.to_owned()),
        ),
        Ok(_) => (format!("the explore page has no control for `{path}`"), CONTROLS_HINT.to_owned()),
    }
}

const CONTROLS_HINT: &str = "the controls are `rule.<id>.points`, `rule.<id>.rate`, `tier.<name>.min`, \
                             `perk.<id>.min_score` or `.min_tier`, `restriction.<id>.max_score` or `.max_tier` \
                             (the threshold the file gives), `list.<id>.duration`, `.enter_below` or \
                             `.enter_at_least` (when the list has it), `population`, `steps` and `seed`";

/// Check `[explore]` and `[[lesson]]` of `spec`.
pub(crate) fn check(c: &mut Checker, spec: &FileSpec) {
    let controls = page_controls(spec);
    let find = |p: &str| controls.iter().find(|x| x.path == p);
    let mut doc: Option<toml::Table> = None;
    if let Some(e) = &spec.explore {
        let chosen = e.controls.as_deref().filter(|_| c.read("explore.controls"));
        if let Some(chosen) = chosen {
            let mut seen: Vec<&str> = Vec::new();
            for p in chosen.iter().take(MAX_EXPLORE_CONTROLS) {
                if find(p).is_none() {
                    let (msg, hint) = not_a_control(&mut doc, spec, p);
                    c.error("explore.controls", msg, hint);
                } else if seen.contains(&p.as_str()) {
                    let msg = format!("`explore.controls` names `{p}` twice");
                    c.error("explore.controls", msg, "name each control once".to_owned());
                }
                seen.push(p);
            }
            if chosen.is_empty() {
                let hint = "name the controls to show, or remove the key to show every control".to_owned();
                c.error("explore.controls", "`explore.controls` is empty".to_owned(), hint);
            }
        }
        let mut seen = HashMap::new();
        for (i, s) in e.control.iter().enumerate().take(MAX_EXPLORE_CONTROLS) {
            let p = format!("explore.control[{i}]");
            let path_at = format!("{p}.path");
            if !c.read(&path_at) {
                continue;
            }
            c.unique(&mut seen, &s.path, &path_at, "control", "the `path`s of `[[explore.control]]`");
            let Some(ctl) = find(&s.path) else {
                let (msg, hint) = not_a_control(&mut doc, spec, &s.path);
                c.error(&path_at, msg, hint);
                continue;
            };
            if let Some(chosen) = chosen
                && !chosen.contains(&s.path)
            {
                let msg = format!("control `{}` has settings but is not in `explore.controls`", s.path);
                let hint = "add it to `explore.controls`, or remove its `[[explore.control]]`".to_owned();
                c.error(&path_at, msg, hint);
            }
            match ctl.value {
                Some(v) => {
                    check_range(c, &p, s, ctl, v);
                    check_values(c, &p, s, ctl);
                }
                None => check_choice(c, &p, s),
            }
        }
        check_grid(c, e, chosen, &|p| find(p).is_some());
    }
    let mut titles = HashMap::new();
    for (i, l) in spec.lesson.iter().enumerate().take(MAX_LESSONS) {
        let p = format!("lesson[{i}]");
        let title_at = format!("{p}.title");
        if c.read(&title_at) && l.title.trim().is_empty() {
            let hint = "give the step a title, like `What one rule change does`".to_owned();
            c.error(&title_at, format!("the title of lesson step {} is empty", i + 1), hint);
        }
        c.unique(&mut titles, &l.title, &title_at, "lesson step", "lesson titles");
        if !c.read(&format!("{p}.set")) {
            continue;
        }
        for set in l.set.iter().take(MAX_LESSON_SETS) {
            if let Some((msg, hint)) = bad_set(&mut doc, spec, set) {
                c.error(&format!("{p}.set"), format!("in lesson step {}: {msg}", i + 1), hint);
            }
        }
    }
}

/// `explore.grid`: at most two rule or tier controls of the page, each once,
/// each with a range and a step, at most [`MAX_GRID_POINTS`] points.
fn check_grid(
    c: &mut Checker,
    e: &super::spec::ExploreSpec,
    chosen: Option<&[String]>,
    is_control: &dyn Fn(&str) -> bool,
) {
    const AT: &str = "explore.grid";
    if e.grid.is_empty() || !c.read(AT) {
        return;
    }
    if e.grid.len() > MAX_GRID_CONTROLS {
        let msg = format!(
            "`explore.grid` names {} controls, more than the {MAX_GRID_CONTROLS} allowed",
            e.grid.len()
        );
        c.error(AT, msg, "a grid holds one or two controls".to_owned());
        return;
    }
    let mut points = 1usize;
    for (k, p) in e.grid.iter().enumerate() {
        let settings = e.control.iter().find(|s| &s.path == p);
        let listed = settings.and_then(|s| s.values.as_ref());
        let range = settings.and_then(|s| Some((s.min?, s.max?, s.step?)));
        if !matches!(p.split('.').next(), Some("rule" | "tier")) || !is_control(p) {
            let msg = format!("`explore.grid` names `{p}`, which is not a rule or tier control of the page");
            let hint =
                "a grid holds `rule.<id>.points`, `rule.<id>.rate` or `tier.<name>.min` controls".to_owned();
            c.error(AT, msg, hint);
        } else if e.grid[..k].contains(p) {
            c.error(AT, format!("`explore.grid` names `{p}` twice"), "name each control once".to_owned());
        } else if chosen.is_some_and(|ch| !ch.contains(p)) {
            let msg = format!("grid control `{p}` is not in `explore.controls`");
            c.error(AT, msg, "add it to `explore.controls`, or remove it from the grid".to_owned());
        } else if let Some(v) = listed {
            points = points.saturating_mul(v.len().max(1));
        } else if let Some((lo, hi, step)) = range {
            points = points.saturating_mul(grid_count(lo, hi, step).max(1));
        } else {
            let msg = format!("grid control `{p}` has no `values`, nor `min`, `max` and `step`");
            let hint = format!(
                "give it `[[explore.control]]` with `path = \"{p}\"` and `values = [...]`, or `min`, `max` \
                 and `step`: the grid holds the values from `min` to `max` by `step`"
            );
            c.error(AT, msg, hint);
        }
    }
    if points > MAX_GRID_POINTS {
        let shown = if points == usize::MAX { "too many".to_owned() } else { points.to_string() };
        let msg = format!("`explore.grid` has {shown} points, more than the {MAX_GRID_POINTS} allowed");
        let hint = "give its controls a larger `step` or a narrower range".to_owned();
        c.error(AT, msg, hint);
    }
}

/// `values` of the settings at `p` for the control `ctl`: finite,
/// increasing, whole for integer controls, at most [`MAX_GRID_POINTS`].
fn check_values(c: &mut Checker, p: &str, s: &super::spec::ExploreControlSpec, ctl: &Control) {
    let at = format!("{p}.values");
    let Some(values) = s.values.as_ref().filter(|_| c.read(&at)) else { return };
    let path = &s.path;
    let bad = if values.is_empty() {
        Some((
            format!("`values` of control `{path}` is empty"),
            "list the values, like `[0, 5, 10]`".to_owned(),
        ))
    } else if values.len() > MAX_GRID_POINTS {
        let msg = format!(
            "`values` of control `{path}` has {} values, more than the {MAX_GRID_POINTS} allowed",
            values.len()
        );
        Some((msg, "list fewer values".to_owned()))
    } else if let Some(x) = values.iter().find(|x| !x.is_finite() || (ctl.integer && x.fract() != 0.0)) {
        let msg = format!(
            "`values` of control `{path}` holds `{}`, not a {}",
            num(*x),
            if ctl.integer { "whole number" } else { "finite number" }
        );
        Some((
            msg,
            format!("`{path}` takes {}", if ctl.integer { "whole numbers" } else { "finite numbers" }),
        ))
    } else if values.windows(2).any(|w| w[0] >= w[1]) {
        Some((
            format!("`values` of control `{path}` is not increasing"),
            "list each value once, smallest first".to_owned(),
        ))
    } else {
        None
    };
    if let Some((msg, hint)) = bad {
        c.error(&at, msg, hint);
    }
}

/// The settings at `p` of a control that chooses a tier: a `label` only, no range, step or values.
fn check_choice(c: &mut Checker, p: &str, s: &super::spec::ExploreControlSpec) {
    let given = [("min", s.min.is_some()), ("max", s.max.is_some()), ("step", s.step.is_some())]
        .into_iter()
        .chain([("values", s.values.is_some())]);
    for (key, _) in given.filter(|(_, g)| *g) {
        let at = format!("{p}.{key}");
        if c.read(&at) {
            let msg = format!("control `{}` chooses a tier, so it has no `{key}`", s.path);
            let hint =
                "the page offers the scenario's tier names; give this control a `label` only".to_owned();
            c.error(&at, msg, hint);
        }
    }
}

/// `min`, `max` and `step` of the settings at `p` for the control `ctl`, whose scenario value is `v`.
fn check_range(c: &mut Checker, p: &str, s: &super::spec::ExploreControlSpec, ctl: &Control, v: f64) {
    let path = &s.path;
    for (key, x) in [("min", s.min), ("max", s.max), ("step", s.step)] {
        let at = format!("{p}.{key}");
        let Some(x) = x.filter(|_| c.read(&at)) else { continue };
        if !x.is_finite() {
            let msg = format!("`{key}` of control `{path}` is `{}`", c.src(&at));
            c.error(&at, msg, "write a finite number".to_owned());
        } else if key == "step" && x <= 0.0 {
            let msg = format!("`step` of control `{path}` is `{}`, not above 0", num(x));
            c.error(&at, msg, "the step is how much an arrow key changes the value, like `1`".to_owned());
        } else if ctl.integer && x.fract() != 0.0 {
            let msg = format!("`{key}` of control `{path}` is `{}`, not a whole number", num(x));
            c.error(&at, msg, format!("`{path}` takes whole numbers; write `{}`", x.round()));
        }
    }
    let finite = |x: Option<f64>| x.filter(|x| x.is_finite());
    let (lo, hi) = (finite(s.min), finite(s.max));
    if let (Some(lo), Some(hi)) = (lo, hi)
        && lo >= hi
    {
        let msg = format!("`min` `{}` of control `{path}` is not below its `max` `{}`", num(lo), num(hi));
        c.error(&format!("{p}.max"), msg, "the control offers the values from `min` to `max`".to_owned());
        return;
    }
    if let Some(lo) = lo.filter(|&lo| v < lo) {
        let msg =
            format!("`min` `{}` of control `{path}` is above the scenario's value `{}`", num(lo), num(v));
        let hint =
            "the page widens the range to hold the value it starts from; move `min` below it".to_owned();
        c.warn(&format!("{p}.min"), msg, hint);
    }
    if let Some(hi) = hi.filter(|&hi| v > hi) {
        let msg =
            format!("`max` `{}` of control `{path}` is below the scenario's value `{}`", num(hi), num(v));
        let hint =
            "the page widens the range to hold the value it starts from; move `max` above it".to_owned();
        c.warn(&format!("{p}.max"), msg, hint);
    }
}

/// What is wrong with the `PATH=VALUE` of a lesson, if anything.
fn bad_set(doc: &mut Option<toml::Table>, spec: &FileSpec, set: &str) -> Option<(String, String)> {
    let (path, _) =
        match split_set(set, "rule.volunteering.points=10", "write the value to try after the `=`") {
            Ok(split) => split,
            Err(problem) => return Some(problem),
        };
    let doc = doc.get_or_insert_with(|| toml::Table::try_from(spec).unwrap_or_default());
    let parsed = ParamPath::parse(path).and_then(|p| check_path(doc, &p).map(|()| p));
    match parsed {
        Err(e) => Some((
            format!("in `{set}`: {}", e.message.replace("the base scenario", "the scenario")),
            e.hint.map_or_else(String::new, |h| h.replace("the base scenario", "the scenario")),
        )),
        Ok(p) if p.segments().first().is_some_and(|s| s == "extends" || s == "lesson" || s == "explore") => {
            let hint = "a lesson changes the scenario's rules, tiers and population".to_owned();
            Some((format!("`{set}` changes `{}`, which a lesson cannot", p.segments()[0]), hint))
        }
        Ok(_) => None,
    }
}

/// The page's settings from a checked `spec`.
pub(crate) fn build(spec: &FileSpec) -> ExplorePage {
    let e = spec.explore.clone().unwrap_or_default();
    ExplorePage {
        controls: e.controls,
        settings: e
            .control
            .into_iter()
            .map(|s| ControlSettings {
                path: s.path,
                min: s.min,
                max: s.max,
                step: s.step,
                label: s.label,
                values: s.values,
            })
            .collect(),
        lessons: spec
            .lesson
            .iter()
            .map(|l| Lesson { title: l.title.clone(), text: l.text.clone(), set: l.set.clone() })
            .collect(),
        grid: e.grid,
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse;

    const BASE: &str = "[scenario]\nname = \"t\"\nsteps = 3\n[score]\nstart = 0\n[population]\nsize = 10\n\
                        [[tier]]\nname = \"A\"\nmin = 0\n[[rule]]\nid = \"vol\"\npoints = 5\nrate = 0.5\n";

    fn errors(extra: &str) -> Vec<String> {
        match parse(&format!("{BASE}{extra}"), "t.toml") {
            Ok(_) => Vec::new(),
            Err(d) => d.items().iter().map(|d| d.message.clone()).collect(),
        }
    }

    #[test]
    fn good_settings_are_read() {
        let l = parse(
            &format!(
                "{BASE}[explore]\ncontrols = [\"rule.vol.points\", \"population\"]\n[[explore.control]]\n\
                 path = \"rule.vol.points\"\nmin = 0\nmax = 30\nstep = 1\nlabel = \"Volunteering earns {{value}} points\"\n\
                 [[lesson]]\ntitle = \"One\"\ntext = \"Try it.\"\nset = [\"rule.vol.points=10\"]\n[[lesson]]\ntitle = \"Two\"\ntext = \"Read.\"\n"
            ),
            "t.toml",
        )
        .unwrap();
        let e = &l.explore;
        assert_eq!(e.controls.as_deref(), Some(&["rule.vol.points".to_owned(), "population".to_owned()][..]));
        let s = e.settings_of("rule.vol.points").unwrap();
        assert_eq!((s.min, s.max, s.step), (Some(0.0), Some(30.0), Some(1.0)));
        assert_eq!(e.lessons.len(), 2);
        assert_eq!(e.lessons[0].set, ["rule.vol.points=10"]);
        assert!(parse(BASE, "t.toml").unwrap().explore == super::ExplorePage::default());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let e = errors(
            "[explore]\ncontrols = [\"rule.vol.pionts\", \"tier.A.min\", \"tier.A.min\", \"score.start\"]\n\
             [[explore.control]]\npath = \"rule.vol.rate\"\nmin = 1\nmax = 0.5\n\
             [[explore.control]]\npath = \"tier.A.min\"\nmin = 5\nstep = 0\n\
             [[explore.control]]\npath = \"tier.A.min\"\nstep = 0.5\nlabel = \"a\\nb\"\n\
             [[lesson]]\ntitle = \"\"\ntext = \"x\"\nset = [\"rule.vol.points\", \"rule.vlo.points=3\", \"extends=x.toml\"]\n",
        );
        let want = [
            "`rule.vol.pionts` is not a control: unknown key `pionts` in `rule.vol` (path `rule.vol.pionts`)",
            "`explore.controls` names `tier.A.min` twice",
            "the explore page has no control for `score.start`",
            "control `rule.vol.rate` has settings but is not in `explore.controls`",
            "`min` `1` of control `rule.vol.rate` is not below its `max` `0.5`",
            "`step` of control `tier.A.min` is `0`, not above 0",
            "`min` `5` of control `tier.A.min` is above the scenario's value `0`",
            "control `tier.A.min` is defined twice",
            "`step` of control `tier.A.min` is `0.5`, not a whole number",
            "`label` of control `tier.A.min` holds a newline",
            "the title of lesson step 1 is empty",
            "in lesson step 1: `rule.vol.points` has no `=`",
            "in lesson step 1: in `rule.vlo.points=3`: the scenario has no `[[rule]]` with id `vlo` (path `rule.vlo.points`)",
            "in lesson step 1: `extends=x.toml` changes `extends`, which a lesson cannot",
        ];
        let mut got = e.clone();
        got.sort();
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{e:#?}");
    }

    #[test]
    fn a_grid_names_controls_with_ranges_and_is_bounded() {
        let ctl = "[[explore.control]]\npath = \"rule.vol.points\"\nmin = 0\nmax = 10\nstep = 5\n\
                   [[explore.control]]\npath = \"rule.vol.rate\"\nmin = 0.1\nmax = 0.5\nstep = 0.1\n";
        let good = format!("{BASE}[explore]\ngrid = [\"rule.vol.points\", \"rule.vol.rate\"]\n{ctl}");
        let l = parse(&good, "t.toml").unwrap();
        let g = l.explore.grid_values();
        assert_eq!(g[0], ("rule.vol.points".to_owned(), vec![0.0, 5.0, 10.0]));
        assert_eq!(g[1].1, [0.1, 0.2, 0.3, 0.4, 0.5], "no float noise");
        let e = errors(&format!("[explore]\ngrid = [\"population\", \"tier.A.min\"]\n{ctl}"));
        assert_eq!(
            e,
            [
                "`explore.grid` names `population`, which is not a rule or tier control of the page",
                "grid control `tier.A.min` has no `values`, nor `min`, `max` and `step`"
            ]
        );
        let three = errors(&format!(
            "[explore]\ngrid = [\"rule.vol.points\", \"rule.vol.points\", \"tier.A.min\"]\n{ctl}"
        ));
        assert_eq!(three, ["`explore.grid` names 3 controls, more than the 2 allowed"]);
        let fine = ctl.replace("step = 0.1", "step = 0.001");
        let big = errors(&format!("[explore]\ngrid = [\"rule.vol.points\", \"rule.vol.rate\"]\n{fine}"));
        assert_eq!(big, ["`explore.grid` has 1203 points, more than the 400 allowed"]);
        // listed values need not hold the scenario's value (5), unlike a range
        let listed = "[[explore.control]]\npath = \"rule.vol.points\"\nvalues = [10, 20]\n\
                      [[explore.control]]\npath = \"tier.A.min\"\nvalues = [1.5, 3, 2]\n";
        let e = errors(&format!("[explore]\ngrid = [\"rule.vol.points\", \"tier.A.min\"]\n{listed}"));
        assert_eq!(e, ["`values` of control `tier.A.min` holds `1.5`, not a whole number"]);
        let l = parse(&format!("{BASE}[explore]\ngrid = [\"rule.vol.points\"]\n{}", &listed[..63]), "t.toml");
        assert_eq!(l.unwrap().explore.grid_values()[0].1, [10.0, 20.0]);
        let text = format!("{BASE}[explore]\ngrid = [\"rule.vol.pints\"]\n");
        let d = parse(&text, "t.toml").unwrap_err().render(false);
        assert!(d.contains("--> t.toml:16:8"), "{d}");
    }

    #[test]
    fn problems_point_at_their_lines() {
        let text = format!("{BASE}[[explore.control]]\npath = \"rule.vol.points\"\nmax = 1\n");
        // a range that misses the scenario's value is a warning: a `--set`, a sweep cell or a
        // dated change may move the value, and the page widens the range to hold it
        let d = parse(&text, "t.toml").unwrap().warnings.render(false);
        assert!(d.contains("--> t.toml:17:7"), "{d}");
        assert!(
            d.contains("`max` `1` of control `rule.vol.points` is below the scenario's value `5`"),
            "{d}"
        );
    }

    /// Perks, restrictions and lists have controls for the thresholds and durations the file gives.
    #[test]
    fn thresholds_and_durations_are_controls() {
        let mech = "[[perk]]\nid = \"p\"\nmin_score = 3\n[[restriction]]\nid = \"r\"\nmax_tier = \"A\"\n\
                    [[list]]\nid = \"l\"\nenter_below = -5\nduration = 4\n";
        let good = format!(
            "{BASE}{mech}[explore]\ncontrols = [\"perk.p.min_score\", \"restriction.r.max_tier\", \
             \"list.l.duration\", \"list.l.enter_below\"]\n[[explore.control]]\npath = \"perk.p.min_score\"\n\
             min = 0\nmax = 10\n[[explore.control]]\npath = \"restriction.r.max_tier\"\nlabel = \"Up to {{value}}\"\n"
        );
        let l = parse(&good, "t.toml").unwrap();
        assert_eq!(l.explore.controls.as_ref().map(Vec::len), Some(4));
        let e = errors(&format!(
            "{mech}[explore]\ncontrols = [\"perk.p.min_tier\", \"list.l.enter_at_least\", \"restriction.r.max_tier\"]\n\
             [[explore.control]]\npath = \"restriction.r.max_tier\"\nmin = 1\n"
        ));
        assert_eq!(
            e,
            [
                "the explore page has no control for `perk.p.min_tier`",
                "the explore page has no control for `list.l.enter_at_least`",
                "control `restriction.r.max_tier` chooses a tier, so it has no `min`",
            ]
        );
        // a misspelt one is found with its position
        let text = format!("{BASE}{mech}[explore]\ncontrols = [\"perk.p.min_scor\"]\n");
        let d = parse(&text, "t.toml").unwrap_err().render(false);
        assert!(d.contains("`perk.p.min_scor` is not a control: unknown key `min_scor`"), "{d}");
        assert!(d.contains("--> t.toml:26:12"), "{d}");
    }

    #[test]
    fn too_many_lessons_are_refused() {
        let many: String = (0..21).map(|i| format!("[[lesson]]\ntitle = \"s{i}\"\ntext = \"t\"\n")).collect();
        assert_eq!(errors(&many), ["a scenario may have at most 20 lesson steps, this one has 21"]);
        let sets: Vec<String> = (0..9).map(|i| format!("\"rule.vol.points={i}\"")).collect();
        let e = errors(&format!("[[lesson]]\ntitle = \"s\"\ntext = \"t\"\nset = [{}]\n", sets.join(", ")));
        assert_eq!(e, ["`set` of lesson step 1 has 9 changes, more than the 8 allowed"]);
    }
}
