//! `GET /api/scenario`: what the page builds its controls from.
//!
//! One control per rule's `points` and `rate`, per tier's `min`, per perk's
//! and restriction's threshold (a score, or a choice of the tier names) and
//! per list's `duration` and score threshold when it has them, each named by
//! the path `--set` takes and holding the value as `--set` would write it,
//! plus the options `--population`, `--steps` and `--seed`. The
//! scenario's `[explore]` table may choose which of them appear and in what
//! order, and give one a range, a step and a sentence label; its
//! `[[lesson]]` steps come along for the lesson panel. The page puts every
//! text here into the document as text (never as HTML).

use pointsim::scenario::{Entry, MaxThreshold, MinThreshold};
use serde::Serialize;

use super::session::Session;

/// The page's words, one table per language (`en` holds every key).
const STRINGS: &str = include_str!("assets/strings.json");

/// The language of the page's own words (the scenario's text is shown as written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// English.
    #[value(name = "en")]
    En,
    /// Simplified Chinese.
    #[value(name = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// Its BCP 47 tag, the key of its table in strings.json.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

/// The words of `lang` (an empty table if strings.json lacked it: the page then shows keys).
fn strings(lang: Lang) -> serde_json::Value {
    let all: serde_json::Value = serde_json::from_str(STRINGS).unwrap_or_default();
    all.get(lang.tag()).cloned().unwrap_or_else(|| serde_json::json!({}))
}

/// Replicates the page asks for until told otherwise: fewer than `compare`'s
/// 10, so that a change redraws within the latency targets, yet enough for
/// confidence intervals.
pub const PAGE_REPLICATES: u32 = 5;

#[derive(Serialize)]
struct Control {
    /// `rule.volunteering.points`; for the options, the query key (`population`).
    path: String,
    /// `rules`, `tiers`, `perks`, `restrictions`, `lists` or `options`.
    section: &'static str,
    /// Row label (a rule's, tier's, perk's, ... label) and column (`points`,
    /// `rate`, `min`, `min_score`, `min_tier`, `duration`, ...: the key it sets).
    label: String,
    column: &'static str,
    /// The current value, as `--set` writes it.
    value: String,
    /// The step of the arrow keys, and the bounds.
    step: String,
    min: Option<String>,
    max: Option<String>,
    /// The scenario's sentence for it, `{value}` standing for the value (`[[explore.control]]`).
    sentence: Option<String>,
    /// For a tier threshold: the tier names to choose from, highest first (else none: a number).
    choices: Option<Vec<String>>,
}

#[derive(Serialize)]
struct LessonStep<'a> {
    title: &'a str,
    text: &'a str,
    /// The change "Try it" makes, as `--set` takes it.
    set: &'a [String],
}

#[derive(Serialize)]
struct Named {
    id: String,
    label: String,
}

#[derive(Serialize)]
struct Page<'a> {
    lang: &'static str,
    strings: serde_json::Value,
    name: &'a str,
    description: &'a str,
    base_file: String,
    reform_file: Option<String>,
    /// The name "Download overlay" offers, and the file its `extends` names
    /// (the overlay is to be saved next to it).
    overlay_name: String,
    overlay_extends: String,
    step_unit: String,
    replicates: u32,
    max_population: u64,
    controls: Vec<Control>,
    /// The controls are the ones `[explore]` chose, in its order (else every one, by section).
    chosen: bool,
    lessons: Vec<LessonStep<'a>>,
    /// Highest first, as in compare.json.
    tiers: Vec<Named>,
    perks: Vec<Named>,
    restrictions: Vec<Named>,
    /// The lists (`list_share.<id>` metrics).
    lists: Vec<Named>,
}

/// The arrow-key step for a rate: its order of magnitude, at most 1.
fn rate_step(rate: f64) -> String {
    if rate <= 0.0 || !rate.is_finite() {
        return "0.01".into();
    }
    let exp = rate.log10().floor().clamp(-6.0, 0.0) as i32;
    format!("{}", 10f64.powi(exp))
}

/// The `--set` table of a section's entries (`perks` → `perk`).
fn section_entry(section: &str) -> &str {
    section.strip_suffix('s').unwrap_or(section)
}

/// The page's description of the session's reform side.
pub fn scenario_json(session: &Session) -> Vec<u8> {
    let s = &session.reform.scenario;
    let mut controls = Vec::new();
    for r in &s.rules {
        controls.push(Control {
            path: format!("rule.{}.points", r.id),
            section: "rules",
            label: r.label.clone(),
            column: "points",
            value: r.points.to_string(),
            step: "1".into(),
            min: None,
            max: None,
            sentence: None,
            choices: None,
        });
        controls.push(Control {
            path: format!("rule.{}.rate", r.id),
            section: "rules",
            label: r.label.clone(),
            column: "rate",
            value: format!("{:?}", r.rate),
            step: rate_step(r.rate),
            min: Some("0".into()),
            max: None,
            sentence: None,
            choices: None,
        });
    }
    for t in s.tiers.iter().rev().filter(|t| t.min != i64::MIN) {
        controls.push(Control {
            path: format!("tier.{}.min", t.name),
            section: "tiers",
            label: t.label.clone(),
            column: "min",
            value: t.min.to_string(),
            step: "1".into(),
            min: None,
            max: None,
            sentence: None,
            choices: None,
        });
    }
    let tier_names: Vec<String> = s.tiers.iter().rev().map(|t| t.name.clone()).collect();
    // a score threshold: a whole number; a tier threshold: a choice of the tier names
    let threshold = |section, id: &str, label: &str, key: &'static str, value: String, tier: bool| Control {
        path: format!("{}.{id}.{key}", section_entry(section)),
        section,
        label: label.to_owned(),
        column: key,
        value,
        step: "1".into(),
        min: None,
        max: None,
        sentence: None,
        choices: tier.then(|| tier_names.clone()),
    };
    let tier_name = |i: usize| s.tiers.get(i).map_or_else(String::new, |t| t.name.clone());
    for p in &s.perks {
        match p.threshold {
            MinThreshold::Score(v) => {
                controls.push(threshold("perks", &p.id, &p.label, "min_score", v.to_string(), false));
            }
            MinThreshold::Tier(i) => {
                controls.push(threshold("perks", &p.id, &p.label, "min_tier", tier_name(i), true));
            }
            MinThreshold::Never => {}
        }
    }
    for r in &s.restrictions {
        match r.threshold {
            MaxThreshold::Score(v) => {
                controls.push(threshold("restrictions", &r.id, &r.label, "max_score", v.to_string(), false));
            }
            MaxThreshold::Tier(i) => {
                controls.push(threshold("restrictions", &r.id, &r.label, "max_tier", tier_name(i), true));
            }
            MaxThreshold::Never => {}
        }
    }
    for l in &s.lists {
        if let Some(d) = l.duration {
            let mut c = threshold("lists", &l.id, &l.label, "duration", d.to_string(), false);
            c.min = Some("1".into());
            controls.push(c);
        }
        let entry = match l.entry {
            Entry::Below(v) => Some(("enter_below", v)),
            Entry::AtLeast(v) => Some(("enter_at_least", v)),
            Entry::Rule { .. } => None,
        };
        if let Some((key, v)) = entry {
            controls.push(threshold("lists", &l.id, &l.label, key, v.to_string(), false));
        }
    }
    let option = |path: &str, label: &str, value: u64, step: u64, max: Option<u64>| Control {
        path: path.into(),
        section: "options",
        label: label.into(),
        column: "value",
        value: value.to_string(),
        step: step.to_string(),
        min: Some(if path == "seed" { "0".into() } else { "1".into() }),
        max: max.map(|m| m.to_string()),
        sentence: None,
        choices: None,
    };
    let pop_step = 10u64.pow((s.population.max(10) as f64).log10().floor() as u32 - 1).max(1);
    controls.push(option(
        "population",
        "Population (subjects)",
        s.population,
        pop_step,
        Some(session.opts.max_population),
    ));
    controls.push(option("steps", "Steps", u64::from(s.steps), 1, None));
    controls.push(option("seed", "Seed", s.seed, 1, None));
    let explore = &session.reform.explore;
    for c in &mut controls {
        if let Some(x) = explore.settings_of(&c.path) {
            // the range always holds the value the page starts from (a `--set` may have moved it outside)
            let v: Option<f64> = c.value.parse().ok();
            let widen = |bound: Option<f64>, lower: bool| {
                bound.map(|b| match v {
                    Some(v) if lower => b.min(v),
                    Some(v) => b.max(v),
                    None => b,
                })
            };
            c.min = widen(x.min, true).map(|v| v.to_string()).or(c.min.take());
            c.max = widen(x.max, false).map(|v| v.to_string()).or(c.max.take());
            c.step = x.step.map_or_else(|| c.step.clone(), |v| v.to_string());
            c.sentence = x.label.clone();
        }
    }
    if let Some(chosen) = &explore.controls {
        let mut all: Vec<Option<Control>> = controls.into_iter().map(Some).collect();
        controls = chosen
            .iter()
            .filter_map(|p| all.iter_mut().find(|c| c.as_ref().is_some_and(|c| &c.path == p))?.take())
            .collect();
    }
    let page = Page {
        lang: session.opts.lang.tag(),
        strings: strings(session.opts.lang),
        name: &s.name,
        description: &s.description,
        base_file: session.opts.base_path.display().to_string(),
        reform_file: session.opts.reform_path.as_ref().map(|p| p.display().to_string()),
        overlay_name: super::overlay::download_name(session),
        overlay_extends: session.reform_path().display().to_string(),
        step_unit: format!("{:?}", s.step).to_lowercase(),
        replicates: PAGE_REPLICATES,
        max_population: session.opts.max_population,
        controls,
        chosen: explore.controls.is_some(),
        lessons: explore
            .lessons
            .iter()
            .map(|l| LessonStep { title: &l.title, text: &l.text, set: &l.set })
            .collect(),
        tiers: s.tiers.iter().rev().map(|t| Named { id: t.name.clone(), label: t.label.clone() }).collect(),
        perks: s.perks.iter().map(|p| Named { id: p.id.clone(), label: p.label.clone() }).collect(),
        restrictions: s
            .restrictions
            .iter()
            .map(|p| Named { id: p.id.clone(), label: p.label.clone() })
            .collect(),
        lists: s.lists.iter().map(|l| Named { id: l.id.clone(), label: l.label.clone() }).collect(),
    };
    serde_json::to_vec_pretty(&page).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every language has every key, and every key the page uses is there.
    #[test]
    fn every_word_of_the_page_is_in_every_language() {
        let all: serde_json::Map<String, serde_json::Value> = serde_json::from_str(STRINGS).unwrap();
        let keys = |lang: &str| -> Vec<String> {
            let mut k: Vec<String> = all[lang].as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        for lang in [Lang::En, Lang::ZhCn] {
            assert_eq!(keys(lang.tag()), keys("en"), "{}", lang.tag());
        }
        let en = keys("en");
        let mut used: Vec<String> = Vec::new();
        for (text, open, close) in [
            (include_str!("assets/index.html"), "data-t=\"", '"'),
            (include_str!("assets/explore.js"), "T('", '\''),
        ] {
            for part in text.split(open).skip(1) {
                used.push(part[..part.find(close).unwrap()].to_owned());
            }
        }
        // keys the script builds: `column_` + a control's column, `option_` + its path, `kind_` + an access kind
        used.retain(|k| !k.ends_with('_'));
        used.extend(
            [
                "column_points",
                "column_rate",
                "column_min_score",
                "column_min_tier",
                "column_max_score",
                "column_max_tier",
                "column_duration",
                "column_enter_below",
                "column_enter_at_least",
                "option_population",
                "option_steps",
                "option_seed",
                "kind_perk",
                "kind_restriction",
            ]
            .map(String::from),
        );
        assert!(used.len() > 40, "{used:?}");
        for k in used {
            assert!(en.contains(&k), "`{k}` is used by the page but not in strings.json");
        }
    }

    #[test]
    fn rate_steps_follow_the_magnitude() {
        assert_eq!(rate_step(0.6), "0.1");
        assert_eq!(rate_step(0.003), "0.001");
        assert_eq!(rate_step(6.0), "1");
        assert_eq!(rate_step(0.0), "0.01");
    }
}
