//! Overlay scenarios (`extends = "base.toml"`): merging by key and by
//! identity, chains, and messages that point into the file a value came from.
//!
//! The files are in `tests/data/overlays/`; `base.toml` is the root of most.
//! After changing a message: `INSTA_UPDATE=always cargo test --test main overlays::`,
//! then read every changed `.snap` file before committing it.

use std::path::Path;

use pointsim::scenario::{Scenario, load};

use crate::common::pointsim;

fn ok(name: &str) -> pointsim::scenario::Loaded {
    let path = format!("tests/data/overlays/{name}.toml");
    load(Path::new(&path)).unwrap_or_else(|e| panic!("{path}: {}", e.diagnostics().render(false)))
}

fn errors(name: &str) -> String {
    let path = format!("tests/data/overlays/{name}.toml");
    match load(Path::new(&path)) {
        Ok(_) => panic!("{path} loaded, but it is a bad case"),
        Err(e) => e.diagnostics().render(false),
    }
}

fn rule<'a>(s: &'a Scenario, id: &str) -> &'a pointsim::scenario::Rule {
    s.rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no rule {id}"))
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<&str> {
    items.iter().map(id).collect()
}

#[test]
fn patch_changes_only_the_keys_it_gives() {
    let base = ok("base").scenario;
    let s = ok("patch").scenario;
    assert_eq!(s.name, "Overlay patch");
    assert_eq!((s.steps, s.seed), (base.steps, base.seed), "other keys of [scenario] stay");
    let fine = rule(&s, "fine");
    assert_eq!(fine.points, -5);
    assert_eq!(fine.rate, 0.8, "a key the overlay does not give stays the base's");
    // tiers sorted low to high: low, mid, high
    assert_eq!(fine.rate_by_tier, [2.0, 1.0, 1.0]);
    assert_eq!(ids(&s.rules, |r| &r.id), ["volunteer", "fine", "lawsuit"], "order stays the base's");
    // inline tables merge key by key: `volunteer = 1.5` stays, `fine` becomes 1.0
    let village = s.groups.iter().find(|g| g.name == "village").unwrap();
    assert_eq!(village.rate_multiplier, [1.5, 1.0, 1.0]);
    assert_eq!(village.share, 0.4);
    assert_eq!(s.perks, base.perks);
    assert_eq!(s.restrictions, base.restrictions);
}

#[test]
fn append_adds_new_entries() {
    let s = ok("append").scenario;
    assert_eq!(ids(&s.rules, |r| &r.id), ["volunteer", "fine", "lawsuit", "blood_donation"]);
    assert_eq!(ids(&s.tiers, |t| &t.name), ["low", "mid", "high", "top"]);
    assert_eq!(ids(&s.perks, |p| &p.id), ["fast_lane", "library"]);
}

#[test]
fn remove_drops_entries() {
    let s = ok("remove").scenario;
    assert_eq!(ids(&s.rules, |r| &r.id), ["volunteer", "fine"]);
    assert!(s.restrictions.is_empty());
}

#[test]
fn chains_apply_every_level_in_order() {
    let loaded = ok("chain");
    let s = loaded.scenario;
    assert_eq!(s.name, "Overlay patch", "from the middle level");
    assert_eq!(s.steps, 24, "from the top level");
    let fine = rule(&s, "fine");
    assert_eq!((fine.points, fine.rate), (-5, 0.4));
    let files: Vec<&str> = loaded.source.chain.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(
        files,
        ["tests/data/overlays/chain.toml", "tests/data/overlays/patch.toml", "tests/data/overlays/base.toml"]
    );
    for f in &loaded.source.chain {
        assert_eq!(f.sha256.len(), 64);
    }
    assert_ne!(loaded.source.chain[0].sha256, loaded.source.chain[2].sha256);
    assert_eq!(loaded.source.sha256, loaded.source.chain[0].sha256);
}

#[test]
fn an_overlay_that_changes_nothing_is_its_base() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string("tests/data/overlays/base.toml").unwrap();
    std::fs::write(dir.path().join("base.toml"), base).unwrap();
    std::fs::write(dir.path().join("same.toml"), "extends = \"base.toml\"\n").unwrap();
    let a = load(&dir.path().join("base.toml")).unwrap().scenario;
    let b = load(&dir.path().join("same.toml")).unwrap().scenario;
    assert_eq!(a, b);
}

#[test]
fn spans_point_into_the_file_each_value_came_from() {
    let loaded = ok("patch");
    let src = &loaded.source;
    // the overlay's value is in the overlay's part of the joined text, the base's in the base's
    let points = src.span_of("rule[1].points").unwrap();
    let rate = src.span_of("rule[1].rate").unwrap();
    assert_eq!(&src.text[points.clone()], "-5");
    assert_eq!(&src.text[rate.clone()], "0.8");
    let overlay_len = std::fs::read_to_string("tests/data/overlays/patch.toml").unwrap().len();
    assert!(points.end <= overlay_len && rate.start > overlay_len);
}

#[test]
fn depth_beyond_the_limit_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string("tests/data/overlays/base.toml").unwrap();
    std::fs::write(dir.path().join("level0.toml"), base).unwrap();
    let max = pointsim::scenario::MAX_EXTENDS_DEPTH;
    for i in 1..=max + 1 {
        let text = format!("extends = \"level{}.toml\"\n[scenario]\nsteps = {}\n", i - 1, i);
        std::fs::write(dir.path().join(format!("level{i}.toml")), text).unwrap();
    }
    // exactly MAX links is fine, and every level applies
    let s = load(&dir.path().join(format!("level{max}.toml"))).unwrap().scenario;
    assert_eq!(s.steps, max as u32);
    let e = load(&dir.path().join(format!("level{}.toml", max + 1))).unwrap_err();
    let text = e.diagnostics().render(false);
    assert!(text.contains(&format!("goes more than {max} files deep")), "{text}");
}

#[test]
fn check_run_and_trace_accept_overlays() {
    pointsim()
        .args(["check", "tests/data/overlays/chain.toml"])
        .assert()
        .success()
        .stdout(predicates::str::contains("ok: tests/data/overlays/chain.toml (3 rules"));
    pointsim()
        .args(["trace", "tests/data/overlays/remove.toml", "--subject", "3"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Overlay base"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    pointsim()
        .args(["run", "tests/data/overlays/chain.toml", "-q", "--no-plots", "--out"])
        .arg(&out)
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let chain = manifest["scenario_chain"].as_array().unwrap();
    let files: Vec<&str> = chain.iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        ["tests/data/overlays/chain.toml", "tests/data/overlays/patch.toml", "tests/data/overlays/base.toml"]
    );
    assert_eq!(chain[0]["sha256"], manifest["scenario_sha256"]);
    // the resolved scenario is the merged one
    assert_eq!(manifest["resolved_scenario"]["steps"], 24);
    assert_eq!(manifest["resolved_scenario"]["name"], "Overlay patch");
    // an error in an overlay is bad input, shown in the overlay
    pointsim()
        .args(["check", "tests/data/overlays/error_in_overlay.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--> tests/data/overlays/error_in_overlay.toml:6:8"));
}

macro_rules! bad {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                insta::assert_snapshot!(stringify!($case), errors(stringify!($case)));
            }
        )*
    };
}

bad!(cycle_a, bad_id, missing_base, error_in_overlay, error_in_base);
