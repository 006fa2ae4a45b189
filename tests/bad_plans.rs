//! Bad sweep plans: each case in `tests/data/plans/bad/` is loaded and its rendered
//! diagnostics are compared with a snapshot in `tests/snapshots/`.
//!
//! After changing a message: `INSTA_UPDATE=always cargo test --test main bad_plans::`,
//! then read every changed `.snap` file before committing it.

use std::path::Path;

use pointsim::batch::plan::load;

/// Load a bad plan and render every problem without colour.
fn render(case: &str) -> String {
    let path = format!("tests/data/plans/bad/{case}.toml");
    match load(Path::new(&path)) {
        Ok(_) => panic!("{path} loaded, but it is a bad plan"),
        Err(e) => e.render(false),
    }
}

macro_rules! bad {
    ($($case:ident),* $(,)?) => {
        /// Every case, so the directory and the list cannot drift.
        const CASES: &[&str] = &[$(stringify!($case)),*];
        $(
            #[test]
            fn $case() {
                insta::assert_snapshot!(concat!("plan_", stringify!($case)), render(stringify!($case)));
            }
        )*
    };
}

bad!(
    bad_paths,
    missing_base,
    paths_and_values,
    sample_ranges,
    syntax,
    too_many_runs,
    unknown_keys,
    zip_unequal
);

#[test]
fn every_case_is_listed() {
    let mut files: Vec<String> = std::fs::read_dir("tests/data/plans/bad")
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, CASES);
}
