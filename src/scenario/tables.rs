//! The keys each table accepts, and reading each table into its `*Spec` struct.

use std::ops::Range;

use toml::de::DeTable;

use super::diag::Diagnostic;
use super::read::{Key, Reader, Table, opt, req};
use super::spec::*;
use super::suggest;

/// Top-level keys and tables.
pub(crate) const ROOT: &[Key] = &[
    opt("schema_version"),
    req("scenario", "name = \"My city\"\nsteps = 365"),
    req("score", "start = 1000"),
    opt("tier"),
    req("population", "size = 10000"),
    opt("rule"),
    opt("perk"),
    opt("restriction"),
    opt("kind"),
    opt("list"),
    opt("recovery"),
    opt("report"),
    opt("test"),
];
/// `[scenario]`.
pub(crate) const SCENARIO: &[Key] = &[
    req("name", "name = \"My city\""),
    opt("description"),
    opt("sources"),
    opt("seed"),
    req("steps", "steps = 365"),
    opt("step"),
];
/// `[score]`.
pub(crate) const SCORE: &[Key] = &[req("start", "start = 1000"), opt("min"), opt("max")];
/// `[[tier]]`.
pub(crate) const TIER: &[Key] =
    &[req("name", "name = \"A\""), opt("label"), req("min", "min = 1000"), opt("source"), opt("assumed")];
/// `[population]`.
pub(crate) const POPULATION: &[Key] = &[req("size", "size = 10000"), opt("group"), opt("households")];
/// `[population.households]`.
pub(crate) const HOUSEHOLDS: &[Key] =
    &[req("sizes", "sizes = [0.3, 0.3, 0.25, 0.15]"), opt("kind"), opt("source"), opt("assumed")];
/// `[[kind]]`.
pub(crate) const KIND: &[Key] = &[
    req("name", "name = \"citizen\""),
    opt("label"),
    opt("description"),
    opt("share"),
    opt("count"),
    opt("start"),
    opt("min"),
    opt("max"),
    opt("source"),
    opt("assumed"),
];
/// One band of `rate_by_score`.
pub(crate) const BAND: &[Key] = &[req("min", "min = 600"), req("multiplier", "multiplier = 0.5")];
/// `[[list]]`.
pub(crate) const LIST: &[Key] = &[
    req("id", "id = \"dishonest_debtors\""),
    opt("label"),
    opt("description"),
    opt("color"),
    opt("enter_on"),
    opt("enter_count"),
    opt("enter_within"),
    opt("enter_below"),
    opt("enter_at_least"),
    opt("duration"),
    opt("clear_on"),
    opt("clear_after_clean"),
    opt("revokes"),
    opt("imposes"),
    opt("grants"),
    opt("points"),
    opt("inherited_by"),
    opt("inherit_probability"),
    opt("applies_to"),
    opt("source"),
    opt("assumed"),
];
/// `[[population.group]]`.
pub(crate) const GROUP: &[Key] = &[
    req("name", "name = \"employed\""),
    opt("description"),
    opt("kind"),
    req("share", "share = 0.5"),
    opt("start"),
    opt("rate_multiplier"),
    opt("source"),
    opt("assumed"),
];
/// `[[rule]]`.
pub(crate) const RULE: &[Key] = &[
    req("id", "id = \"volunteering\""),
    opt("label"),
    opt("description"),
    req("points", "points = 5"),
    req("rate", "rate = 1.0"),
    opt("max_per_year"),
    opt("rate_by_tier"),
    opt("rate_by_score"),
    opt("applies_to"),
    opt("category"),
    opt("agency"),
    opt("requires_perk"),
    opt("requires_list"),
    opt("error_rate"),
    opt("appeal_rate"),
    opt("appeal_success"),
    opt("appeal_delay"),
    opt("repair"),
    opt("source"),
    opt("assumed"),
];
/// `[[perk]]`.
pub(crate) const PERK: &[Key] = &[
    req("id", "id = \"library_20_books\""),
    opt("label"),
    opt("description"),
    opt("min_tier"),
    opt("min_score"),
    opt("applies_to"),
    opt("source"),
    opt("assumed"),
];
/// `[[restriction]]`.
pub(crate) const RESTRICTION: &[Key] = &[
    req("id", "id = \"no_rail_tickets\""),
    opt("label"),
    opt("description"),
    opt("max_tier"),
    opt("max_score"),
    opt("applies_to"),
    opt("source"),
    opt("assumed"),
];
/// `[recovery]`.
pub(crate) const RECOVERY: &[Key] =
    &[opt("restore_after"), opt("drift"), opt("expire_after"), opt("repair_max_per_year")];
/// `[[test]]`.
pub(crate) const TEST: &[Key] = &[
    req("name", "name = \"an unpaid judgment lists the debtor\""),
    opt("description"),
    opt("kind"),
    opt("group"),
    opt("events"),
    opt("expect"),
];
/// One of a test's `events`.
pub(crate) const TEST_EVENT: &[Key] = &[
    req("step", "step = 3"),
    req("rule", "rule = \"volunteering\""),
    opt("count"),
    opt("wrongful"),
    opt("appeal"),
];
/// `[[test.expect]]`.
pub(crate) const EXPECT: &[Key] =
    &[req("step", "step = 3"), opt("score"), opt("tier"), opt("perks"), opt("restrictions"), opt("lists")];
/// `[report]`.
pub(crate) const REPORT: &[Key] = &[opt("bin_width"), opt("snapshot_every")];

/// Every table's accepted keys, named like the Spec type that describes it.
#[cfg(test)]
pub(crate) const ALL: &[(&str, &[Key])] = &[
    ("FileSpec", ROOT),
    ("ScenarioSpec", SCENARIO),
    ("ScoreSpec", SCORE),
    ("TierSpec", TIER),
    ("PopulationSpec", POPULATION),
    ("GroupSpec", GROUP),
    ("RuleSpec", RULE),
    ("PerkSpec", PERK),
    ("RestrictionSpec", RESTRICTION),
    ("RecoverySpec", RECOVERY),
    ("KindSpec", KIND),
    ("BandSpec", BAND),
    ("HouseholdsSpec", HOUSEHOLDS),
    ("ListSpec", LIST),
    ("ReportSpec", REPORT),
    ("TestSpec", TEST),
    ("TestEventSpec", TEST_EVENT),
    ("ExpectSpec", EXPECT),
];

/// The key named `name` in `keys` (a constant above).
fn key(keys: &'static [Key], name: &str) -> &'static Key {
    keys.iter().find(|k| k.name == name).expect("key listed in its table")
}

/// Read the whole document into a [`FileSpec`], reporting every problem on the way.
pub(crate) fn read_file(r: &mut Reader, doc: &DeTable, whole: Range<usize>) -> FileSpec {
    let root = Table::root(doc, whole);
    r.unknown_keys(&root, ROOT);
    let mut spec = FileSpec { schema_version: r.opt(&root, "schema_version"), ..FileSpec::default() };
    if let Some(t) = r.table(&root, "scenario", Some(key(ROOT, "scenario"))) {
        spec.scenario = read_scenario(r, &t);
    }
    if let Some(t) = r.table(&root, "score", Some(key(ROOT, "score"))) {
        spec.score = read_score(r, &t);
    }
    spec.tier = r.array(&root, "tier", "tier", "name").iter().map(|t| read_tier(r, t)).collect();
    if let Some(t) = r.table(&root, "population", Some(key(ROOT, "population"))) {
        spec.population = read_population(r, &t);
    }
    spec.rule = r.array(&root, "rule", "rule", "id").iter().map(|t| read_rule(r, t)).collect();
    spec.perk = r.array(&root, "perk", "perk", "id").iter().map(|t| read_perk(r, t)).collect();
    spec.restriction =
        r.array(&root, "restriction", "restriction", "id").iter().map(|t| read_restriction(r, t)).collect();
    spec.kind = r.array(&root, "kind", "kind", "name").iter().map(|t| read_kind(r, t)).collect();
    spec.list = r.array(&root, "list", "list", "id").iter().map(|t| read_list(r, t)).collect();
    spec.recovery = r.table(&root, "recovery", None).map(|t| {
        r.unknown_keys(&t, RECOVERY);
        RecoverySpec {
            restore_after: r.opt(&t, "restore_after"),
            drift: r.opt(&t, "drift"),
            expire_after: r.int_map(&t, "expire_after"),
            repair_max_per_year: r.opt(&t, "repair_max_per_year"),
        }
    });
    spec.report = r.table(&root, "report", None).map(|t| {
        r.unknown_keys(&t, REPORT);
        ReportSpec { bin_width: r.opt(&t, "bin_width"), snapshot_every: r.opt(&t, "snapshot_every") }
    });
    spec.test = read_tests(r, &root);
    spec
}

/// The `[[test]]` entries of `root` (a scenario or a file of tests).
pub(crate) fn read_tests(r: &mut Reader, root: &Table) -> Vec<TestSpec> {
    r.array(root, "test", "test", "name").iter().map(|t| read_test(r, t)).collect()
}

fn read_test(r: &mut Reader, t: &Table) -> TestSpec {
    r.unknown_keys(t, TEST);
    let events = r
        .array(t, "events", "event", "rule")
        .iter()
        .map(|e| {
            r.unknown_keys(e, TEST_EVENT);
            TestEventSpec {
                step: r.req(e, key(TEST_EVENT, "step")).unwrap_or_default(),
                rule: r.req(e, key(TEST_EVENT, "rule")).unwrap_or_default(),
                count: r.opt(e, "count"),
                wrongful: r.opt(e, "wrongful"),
                appeal: read_appeal(r, e),
            }
        })
        .collect();
    let expect = r
        .array(t, "expect", "expectation", "")
        .iter()
        .map(|e| {
            r.unknown_keys(e, EXPECT);
            ExpectSpec {
                step: r.req(e, key(EXPECT, "step")).unwrap_or_default(),
                score: r.opt(e, "score"),
                tier: r.opt(e, "tier"),
                perks: r.opt(e, "perks"),
                restrictions: r.opt(e, "restrictions"),
                lists: r.opt(e, "lists"),
            }
        })
        .collect();
    TestSpec {
        name: r.req(t, key(TEST, "name")).unwrap_or_default(),
        description: r.opt(t, "description"),
        kind: r.opt(t, "kind"),
        group: r.opt(t, "group"),
        events,
        expect,
    }
}

/// `appeal = "won" | "lost"`.
fn read_appeal(r: &mut Reader, t: &Table) -> Option<AppealOutcomeSpec> {
    let word: String = r.opt(t, "appeal")?;
    match word.as_str() {
        "won" => Some(AppealOutcomeSpec::Won),
        "lost" => Some(AppealOutcomeSpec::Lost),
        _ => {
            let span = r.spans.remove(&t.key_path("appeal")).unwrap_or(t.header.clone());
            let hint = "`appeal` is `won` (the record is reversed) or `lost`".to_owned();
            r.push(
                Diagnostic::error(format!("unknown appeal outcome `{word}`")).with_span(span).with_hint(hint),
            );
            None
        }
    }
}

fn read_scenario(r: &mut Reader, t: &Table) -> ScenarioSpec {
    r.unknown_keys(t, SCENARIO);
    ScenarioSpec {
        name: r.req(t, key(SCENARIO, "name")).unwrap_or_default(),
        description: r.opt(t, "description"),
        sources: r.opt(t, "sources").unwrap_or_default(),
        seed: r.opt(t, "seed"),
        steps: r.req(t, key(SCENARIO, "steps")).unwrap_or_default(),
        step: read_step(r, t),
    }
}

/// `step = "day" | "week" | "month"`, suggesting the nearest for a typo.
fn read_step(r: &mut Reader, t: &Table) -> Option<StepSpec> {
    let word: String = r.opt(t, "step")?;
    match word.as_str() {
        "day" => Some(StepSpec::Day),
        "week" => Some(StepSpec::Week),
        "month" => Some(StepSpec::Month),
        _ => {
            let names = ["day", "week", "month"];
            let hint =
                suggest::or_nearest(format!("`step` is one of {}", suggest::list(names)), &word, names);
            let span = r.spans.remove("scenario.step").unwrap_or(t.header.clone());
            r.push(Diagnostic::error(format!("unknown step `{word}`")).with_span(span).with_hint(hint));
            None
        }
    }
}

fn read_score(r: &mut Reader, t: &Table) -> ScoreSpec {
    r.unknown_keys(t, SCORE);
    ScoreSpec {
        start: r.req(t, key(SCORE, "start")).unwrap_or_default(),
        min: r.opt(t, "min"),
        max: r.opt(t, "max"),
    }
}

fn read_tier(r: &mut Reader, t: &Table) -> TierSpec {
    r.unknown_keys(t, TIER);
    TierSpec {
        name: r.req(t, key(TIER, "name")).unwrap_or_default(),
        label: r.opt(t, "label"),
        min: r.req(t, key(TIER, "min")).unwrap_or_default(),
        source: r.opt(t, "source"),
        assumed: r.opt(t, "assumed"),
    }
}

fn read_population(r: &mut Reader, t: &Table) -> PopulationSpec {
    r.unknown_keys(t, POPULATION);
    let size = r.req(t, key(POPULATION, "size")).unwrap_or_default();
    let group = r.array(t, "group", "group", "name").iter().map(|g| read_group(r, g)).collect();
    let households = r.table(t, "households", None).map(|h| {
        r.unknown_keys(&h, HOUSEHOLDS);
        HouseholdsSpec {
            sizes: r.req(&h, key(HOUSEHOLDS, "sizes")).unwrap_or_default(),
            kind: r.opt(&h, "kind"),
            source: r.opt(&h, "source"),
            assumed: r.opt(&h, "assumed"),
        }
    });
    PopulationSpec { size, group, households }
}

fn read_group(r: &mut Reader, t: &Table) -> GroupSpec {
    r.unknown_keys(t, GROUP);
    GroupSpec {
        name: r.req(t, key(GROUP, "name")).unwrap_or_default(),
        kind: r.opt(t, "kind"),
        description: r.opt(t, "description"),
        share: r.req(t, key(GROUP, "share")).unwrap_or_default(),
        start: r.opt(t, "start"),
        rate_multiplier: r.number_map(t, "rate_multiplier"),
        source: r.opt(t, "source"),
        assumed: r.opt(t, "assumed"),
    }
}

fn read_rule(r: &mut Reader, t: &Table) -> RuleSpec {
    r.unknown_keys(t, RULE);
    RuleSpec {
        id: r.req(t, key(RULE, "id")).unwrap_or_default(),
        label: r.opt(t, "label"),
        description: r.opt(t, "description"),
        points: r.req(t, key(RULE, "points")).unwrap_or_default(),
        rate: r.req(t, key(RULE, "rate")).unwrap_or_default(),
        max_per_year: r.opt(t, "max_per_year"),
        rate_by_tier: r.number_map(t, "rate_by_tier"),
        rate_by_score: r
            .array(t, "rate_by_score", "band", "min")
            .iter()
            .map(|b| {
                r.unknown_keys(b, BAND);
                BandSpec {
                    min: r.req(b, key(BAND, "min")).unwrap_or_default(),
                    multiplier: r.req(b, key(BAND, "multiplier")).unwrap_or_default(),
                }
            })
            .collect(),
        applies_to: r.opt(t, "applies_to").unwrap_or_default(),
        category: r.opt(t, "category"),
        agency: r.opt(t, "agency"),
        requires_perk: r.opt(t, "requires_perk"),
        requires_list: r.opt(t, "requires_list"),
        error_rate: r.opt(t, "error_rate"),
        appeal_rate: r.opt(t, "appeal_rate"),
        appeal_success: r.opt(t, "appeal_success"),
        appeal_delay: r.opt(t, "appeal_delay"),
        repair: r.opt(t, "repair"),
        source: r.opt(t, "source"),
        assumed: r.opt(t, "assumed"),
    }
}

fn read_perk(r: &mut Reader, t: &Table) -> PerkSpec {
    r.unknown_keys(t, PERK);
    PerkSpec {
        id: r.req(t, key(PERK, "id")).unwrap_or_default(),
        label: r.opt(t, "label"),
        description: r.opt(t, "description"),
        min_tier: r.opt(t, "min_tier"),
        min_score: r.opt(t, "min_score"),
        applies_to: r.opt(t, "applies_to").unwrap_or_default(),
        source: r.opt(t, "source"),
        assumed: r.opt(t, "assumed"),
    }
}

fn read_restriction(r: &mut Reader, t: &Table) -> RestrictionSpec {
    r.unknown_keys(t, RESTRICTION);
    RestrictionSpec {
        id: r.req(t, key(RESTRICTION, "id")).unwrap_or_default(),
        label: r.opt(t, "label"),
        description: r.opt(t, "description"),
        max_tier: r.opt(t, "max_tier"),
        max_score: r.opt(t, "max_score"),
        applies_to: r.opt(t, "applies_to").unwrap_or_default(),
        source: r.opt(t, "source"),
        assumed: r.opt(t, "assumed"),
    }
}

fn read_kind(r: &mut Reader, t: &Table) -> KindSpec {
    r.unknown_keys(t, KIND);
    KindSpec {
        name: r.req(t, key(KIND, "name")).unwrap_or_default(),
        label: r.opt(t, "label"),
        description: r.opt(t, "description"),
        share: r.opt(t, "share"),
        count: r.opt(t, "count"),
        start: r.opt(t, "start"),
        min: r.opt(t, "min"),
        max: r.opt(t, "max"),
        source: r.opt(t, "source"),
        assumed: r.opt(t, "assumed"),
    }
}

fn read_list(r: &mut Reader, t: &Table) -> ListSpec {
    r.unknown_keys(t, LIST);
    ListSpec {
        id: r.req(t, key(LIST, "id")).unwrap_or_default(),
        label: r.opt(t, "label"),
        description: r.opt(t, "description"),
        color: read_color(r, t),
        enter_on: r.opt(t, "enter_on"),
        enter_count: r.opt(t, "enter_count"),
        enter_within: r.opt(t, "enter_within"),
        enter_below: r.opt(t, "enter_below"),
        enter_at_least: r.opt(t, "enter_at_least"),
        duration: r.opt(t, "duration"),
        clear_on: r.opt(t, "clear_on"),
        clear_after_clean: r.opt(t, "clear_after_clean"),
        revokes: r.opt(t, "revokes").unwrap_or_default(),
        imposes: r.opt(t, "imposes").unwrap_or_default(),
        grants: r.opt(t, "grants").unwrap_or_default(),
        points: r.opt(t, "points"),
        inherited_by: r.opt(t, "inherited_by"),
        inherit_probability: r.opt(t, "inherit_probability"),
        applies_to: r.opt(t, "applies_to").unwrap_or_default(),
        source: r.opt(t, "source"),
        assumed: r.opt(t, "assumed"),
    }
}

/// `color = "black" | "red"`, suggesting the nearest for a typo.
fn read_color(r: &mut Reader, t: &Table) -> Option<ColorSpec> {
    let word: String = r.opt(t, "color")?;
    match word.as_str() {
        "black" => Some(ColorSpec::Black),
        "red" => Some(ColorSpec::Red),
        _ => {
            let names = ["black", "red"];
            let hint = suggest::or_nearest(
                "`color` is `black` (joint sanctions) or `red` (joint rewards)",
                &word,
                names,
            );
            let span = r.spans.remove(&t.key_path("color")).unwrap_or(t.header.clone());
            r.push(Diagnostic::error(format!("unknown list color `{word}`")).with_span(span).with_hint(hint));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    /// The format reference names every key the reader accepts, so it does
    /// not fall behind the reader again (it once lacked every mechanics key).
    #[test]
    fn the_format_reference_names_every_key() {
        let doc = include_str!("../../docs/scenario-format.md");
        let missing: Vec<String> = super::ALL
            .iter()
            .flat_map(|(table, keys)| keys.iter().map(move |k| (table, k.name)))
            .filter(|(_, key)| !mentions(doc, key))
            .map(|(table, key)| format!("{table}.{key}"))
            .collect();
        assert!(missing.is_empty(), "docs/scenario-format.md does not mention {missing:?}");
    }

    /// Whether `doc` has `key` as a word in code: between backticks, brackets,
    /// commas, spaces or `=` (`` `key` ``, `[[key]]`, `{ key = 1 }`).
    fn mentions(doc: &str, key: &str) -> bool {
        let before = |c: char| "`[ ,{".contains(c);
        let after = |c: char| "`] ,=".contains(c);
        doc.match_indices(key).any(|(i, _)| {
            doc[..i].chars().next_back().is_some_and(before)
                && doc[i + key.len()..].chars().next().is_some_and(after)
        })
    }
}
