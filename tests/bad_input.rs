//! Bad scenario files: each case in `tests/data/bad/` is loaded and its rendered
//! diagnostics are compared with a snapshot in `tests/snapshots/`.
//!
//! After changing a message: `INSTA_UPDATE=always cargo test --test main bad_input::`,
//! then read every changed `.snap` file before committing it.

use std::path::Path;

use pointsim::scenario::{ScenarioError, load};

/// Load a bad case and render every problem without colour.
fn render(case: &str) -> String {
    let path = format!("tests/data/bad/{case}.toml");
    match load(Path::new(&path)) {
        Ok(_) => panic!("{path} loaded, but it is a bad-input case"),
        Err(e) => e.diagnostics().render(false),
    }
}

macro_rules! bad {
    ($($case:ident),* $(,)?) => {
        /// Every case, so the directory and the list cannot drift.
        const CASES: &[&str] = &[$(stringify!($case)),*];
        $(
            #[test]
            fn $case() {
                insta::assert_snapshot!(stringify!($case), render(stringify!($case)));
            }
        )*
    };
}

bad!(
    bad_ids,
    binary_garbage,
    comments_only,
    control_characters,
    duplicate_id_in_hint,
    duplicate_perk_id,
    duplicate_rule_id,
    duplicate_tier_min,
    duplicate_tier_name,
    empty,
    empty_names,
    explore_and_lessons,
    float_for_integer,
    group_named_all,
    group_start_outside_clamp,
    invalid_utf8,
    long_names,
    many_errors,
    min_greater_than_max,
    missing_keys,
    missing_tables,
    nan_and_inf,
    negative_cap,
    negative_rate,
    nul_byte,
    perk_both_thresholds,
    perk_no_threshold,
    perk_unknown_tier,
    population_zero,
    recovery_and_report_zero,
    restriction_thresholds,
    schema_version,
    share_out_of_range,
    shares_do_not_sum_to_one,
    start_outside_clamp,
    steps_too_many,
    steps_zero,
    string_for_number,
    syntax_duplicates,
    syntax_error,
    table_shapes,
    too_many_tiers,
    unclosed_before_arrays,
    unclosed_table,
    unknown_key,
    unknown_names,
    unknown_rule_in_multiplier,
    unknown_step,
    unknown_table,
    unknown_tier_in_rate_by_tier,
    wrong_types,
);

#[test]
fn every_file_has_a_case() {
    let mut files: Vec<String> = std::fs::read_dir("tests/data/bad")
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, CASES, "add a `bad!` case for each file in tests/data/bad");
}

#[test]
fn missing_file() {
    let e = load(Path::new("tests/data/bad/no_such_file.toml")).unwrap_err();
    insta::assert_snapshot!("missing_file", e.diagnostics().render(false));
}

#[test]
fn directory_instead_of_file() {
    let e = load(Path::new("tests/data")).unwrap_err();
    insta::assert_snapshot!("directory", e.diagnostics().render(false));
}

#[test]
fn many_errors_are_all_reported() {
    let e = load(Path::new("tests/data/bad/many_errors.toml")).unwrap_err();
    assert!(e.diagnostics().error_count() >= 5, "{}", e.diagnostics());
}

#[test]
fn every_error_has_position_caret_and_hint() {
    for case in CASES {
        let e = load(Path::new(&format!("tests/data/bad/{case}.toml"))).unwrap_err();
        let ds = e.diagnostics();
        for d in ds.items() {
            assert!(d.hint.is_some(), "{case}: no hint for `{}`", d.message);
            let first = d.message.chars().next().unwrap();
            assert!(!first.is_uppercase(), "{case}: message starts uppercase: {}", d.message);
            assert!(!d.message.ends_with('.'), "{case}: trailing period: {}", d.message);
        }
        let text = ds.render(false);
        let binary = ["binary_garbage", "invalid_utf8", "nul_byte", "empty", "comments_only"];
        if !binary.contains(case) {
            assert!(
                text.contains(&format!("--> tests/data/bad/{case}.toml:")),
                "{case}: no position\n{text}"
            );
            assert!(text.contains('^'), "{case}: no caret\n{text}");
        }
    }
}

#[test]
fn error_display_is_one_line() {
    let e: ScenarioError = load(Path::new("tests/data/bad/many_errors.toml")).unwrap_err();
    assert_eq!(e.to_string(), "could not load `tests/data/bad/many_errors.toml`: 9 errors");
}

#[test]
fn colour_output_has_the_same_text() {
    let e = load(Path::new("tests/data/bad/many_errors.toml")).unwrap_err();
    let styled = e.diagnostics().render(true);
    assert!(styled.contains("\x1b["));
    let plain = e.diagnostics().render(false);
    assert!(plain.lines().count() == styled.lines().count());
}

#[test]
fn warnings_do_not_fail_loading() {
    let loaded = load(Path::new("tests/data/warn/unreachable.toml")).unwrap();
    assert!(!loaded.warnings.has_errors());
    assert_eq!(loaded.warnings.warning_count(), 6);
    insta::assert_snapshot!("warnings", loaded.warnings.render(false));
}

#[test]
fn every_unknown_name_gets_the_nearest() {
    // one typo in each kind of name reference: every one is suggested the defined name
    let e = load(Path::new("tests/data/bad/unknown_names.toml")).unwrap_err();
    let ds = e.diagnostics();
    assert_eq!(ds.error_count(), 15, "{ds}");
    for d in ds.items() {
        let hint = d.hint.as_deref().unwrap_or("");
        assert!(hint.contains("; did you mean `"), "no nearest name for `{}`: {hint}", d.message);
    }
}
