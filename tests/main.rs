//! The integration tests: one binary, with one module per file of `tests/`.
//!
//! `autotests = false` and one `[[test]]` in Cargo.toml, rather than modules
//! under `tests/main/`: the files keep their paths and the snapshots their
//! folder, with no `#[path]` attributes. After a change to the library cargo
//! then links one test binary instead of one per file, as ripgrep's
//! `tests/tests.rs` does. A new file in `tests/` is compiled only once it
//! has a `mod` line here.
//!
//! One module: `cargo test --test main cli::`.

mod common;

mod atomic;
mod bad_input;
mod bad_plans;
mod budget;
mod calibrate;
mod caps;
mod changes;
mod charts;
mod cli;
mod compare;
mod data_dictionary;
mod expectations;
mod explore;
mod fuzz_input;
mod good_input;
mod hostile;
mod invariance;
mod layers;
mod ledger;
mod mechanics;
mod oracle;
mod overlays;
mod pictures;
mod report;
mod rerun;
mod rule_tests;
mod schema;
mod sensitivity;
mod slurm_cli;
mod slurm_example;
mod svg_cjk;
mod sweep;
mod timing;
mod trace;

/// Every file of `tests/` is a module here: with `autotests = false` a file
/// without its `mod` line would silently never run.
#[test]
fn every_test_file_is_a_module() {
    let main = std::fs::read_to_string(common::repo("tests/main.rs")).unwrap();
    for entry in std::fs::read_dir(common::repo("tests")).unwrap() {
        let path = entry.unwrap().path();
        let Some(name) = path.file_stem().and_then(|n| n.to_str()) else { continue };
        if path.extension().is_some_and(|e| e == "rs") && name != "main" {
            assert!(
                main.contains(&format!("mod {name};")),
                "tests/{name}.rs has no `mod {name};` in tests/main.rs"
            );
        }
    }
}
