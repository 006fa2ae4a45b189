//! A good scenario file (every key used once) parses to exactly the expected `Scenario`.

use pointsim::scenario::*;

fn prov(source: Option<&str>, assumed: bool) -> Provenance {
    Provenance { source: source.map(str::to_owned), assumed }
}

fn tier(name: &str, label: &str, min: i64, provenance: Provenance) -> Tier {
    Tier { name: name.into(), label: label.into(), min, provenance }
}

#[test]
fn good_file_builds_the_expected_scenario() {
    let loaded = load(std::path::Path::new("tests/data/good.toml")).unwrap();
    assert!(loaded.warnings.is_empty(), "{}", loaded.warnings);
    let expected = Scenario {
        schema_version: 1,
        name: "Test town".into(),
        description: "Every key once".into(),
        sources: vec!["made up".into(), "for tests".into()],
        seed: 7,
        steps: 24,
        step: StepUnit::Month,
        score: ScoreRange { start: 100, min: Some(0), max: Some(200) },
        // sorted by min, lowest first
        tiers: vec![
            tier("C", "C", 0, prov(None, false)),
            tier("B", "B", 90, prov(None, false)),
            tier("A", "Grade A", 150, prov(Some("invented"), true)),
        ],
        population: 1000,
        groups: vec![
            Group {
                name: "employed".into(),
                description: "people with a job".into(),
                share: 0.75,
                start: 100,
                rate_multiplier: vec![1.5, 1.0],
                provenance: prov(Some("census"), false),
                kind: 0,
            },
            Group {
                name: "retired".into(),
                description: String::new(),
                share: 0.25,
                start: 120,
                rate_multiplier: vec![1.0, 1.0],
                provenance: prov(None, true),
                kind: 0,
            },
        ],
        rules: vec![
            Rule {
                id: "volunteering".into(),
                label: "Volunteer service".into(),
                description: "an hour of service".into(),
                points: 3,
                rate: 2.0,
                max_per_year: Some(10),
                rate_by_tier: vec![0.5, 1.0, 2.0],
                provenance: prov(Some("rulebook art. 3"), false),
                more: Default::default(),
                enabled: true,
            },
            Rule {
                id: "jaywalking".into(),
                label: "jaywalking".into(),
                description: String::new(),
                points: -5,
                rate: 0.25,
                max_per_year: None,
                rate_by_tier: vec![1.0, 1.0, 1.0],
                provenance: prov(None, false),
                more: Default::default(),
                enabled: true,
            },
        ],
        perks: vec![
            Perk {
                id: "library_20_books".into(),
                label: "Borrow 20 books".into(),
                description: "more books".into(),
                threshold: MinThreshold::Tier(2),
                provenance: prov(None, false),
                applies_to: vec![],
            },
            Perk {
                id: "fast_lane".into(),
                label: "fast_lane".into(),
                description: String::new(),
                threshold: MinThreshold::Score(120),
                provenance: prov(None, true),
                applies_to: vec![],
            },
        ],
        restrictions: vec![
            Restriction {
                id: "no_rail_tickets".into(),
                label: "No rail".into(),
                description: String::new(),
                threshold: MaxThreshold::Tier(0),
                provenance: prov(Some("rulebook art. 9"), false),
                applies_to: vec![],
            },
            Restriction {
                id: "no_loans".into(),
                label: "no_loans".into(),
                description: String::new(),
                threshold: MaxThreshold::Score(50),
                provenance: prov(None, false),
                applies_to: vec![],
            },
        ],
        recovery: Recovery { restore_after: Some(12), drift: Some(1), repair_max_per_year: None },
        report: Report { bin_width: 5, snapshot_every: 2, title: None },
        changes: Vec::new(),
        kinds: vec![pointsim::scenario::Kind::everyone()],
        lists: vec![],
        households: None,
    };
    assert_eq!(loaded.scenario, expected);
}

#[test]
fn source_keeps_name_hash_and_spans() {
    let text = std::fs::read_to_string("tests/data/good.toml").unwrap();
    let loaded = parse(&text, "good.toml").unwrap();
    let src = &loaded.source;
    assert_eq!(src.name, "good.toml");
    assert_eq!(src.sha256.len(), 64);
    assert!(src.sha256.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    let at = |key: &str| &src.text[src.span_of(key).unwrap()];
    assert_eq!(at("population.size"), "1_000");
    assert_eq!(at("scenario.steps"), "24");
    assert_eq!(at("tier[1].min"), "0");
    assert_eq!(at("population.group[0].rate_multiplier.volunteering"), "1.5");
    assert_eq!(at("score"), "[score]");
    assert_eq!(src.span_of("scenario.nothing"), None);
}

#[test]
fn defaults_fill_in_a_minimal_file() {
    let text = "[scenario]\nname = \"m\"\nsteps = 3\n[score]\nstart = 0\n[population]\nsize = 5\n\
                [[rule]]\nid = \"r\"\npoints = 1\nrate = 1\n";
    let s = parse(text, "m.toml").unwrap().scenario;
    assert_eq!(s.step, StepUnit::Day);
    assert_eq!((s.seed, s.description.as_str(), s.sources.len()), (0, "", 0));
    assert_eq!(s.tiers, vec![tier("all", "all", i64::MIN, Provenance::default())]);
    assert_eq!(s.groups.len(), 1);
    assert_eq!((s.groups[0].name.as_str(), s.groups[0].share), ("all", 1.0));
    assert_eq!(s.groups[0].rate_multiplier, vec![1.0]);
    assert_eq!(s.rules[0].rate_by_tier, vec![1.0]);
    assert_eq!(s.report, Report::default());
    assert_eq!(s.recovery, Recovery::default());
}

#[test]
fn report_title_is_optional_and_checked() {
    let base = "[scenario]\nname = \"m\"\nsteps = 3\n[score]\nstart = 0\n[population]\nsize = 5\n";
    assert_eq!(parse(base, "m.toml").unwrap().scenario.report.title, None);
    let titled = format!("{base}[report]\ntitle = \"Reform A\"\n");
    let s = parse(&titled, "m.toml").unwrap().scenario;
    assert_eq!((s.report.title.as_deref(), s.report.bin_width), (Some("Reform A"), 10));
    for (title, message) in [("\"  \"", "`report.title` is empty"), ("\"a\\u001bb\"", "`report.title`")] {
        let text = format!("{base}[report]\ntitle = {title}\n");
        let errors = parse(&text, "m.toml").unwrap_err();
        let shown = errors.render(false);
        assert!(shown.contains(message) && shown.contains("m.toml:9:9"), "{shown}");
    }
}

#[test]
fn perk_tier_index_points_into_sorted_tiers() {
    let text = "[scenario]\nname = \"m\"\nsteps = 3\n[score]\nstart = 0\n[population]\nsize = 5\n\
                [[tier]]\nname = \"hi\"\nmin = 10\n[[tier]]\nname = \"lo\"\nmin = -10\n\
                [[perk]]\nid = \"p\"\nmin_tier = \"hi\"\n[[restriction]]\nid = \"r\"\nmax_tier = \"lo\"\n";
    let s = parse(text, "m.toml").unwrap().scenario;
    assert_eq!(s.perks[0].threshold, MinThreshold::Tier(1));
    assert_eq!(s.restrictions[0].threshold, MaxThreshold::Tier(0));
    assert_eq!(s.perk_min_score(&s.perks[0]), 10);
    assert_eq!(s.restriction_max_score(&s.restrictions[0]), 9);
}
