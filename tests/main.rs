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

mod bad_input;
mod bad_plans;
mod caps;
mod charts;
mod cli;
mod compare;
mod fuzz_input;
mod good_input;
mod ledger;
mod mechanics;
mod oracle;
mod overlays;
mod report;
mod rule_tests;
mod schema;
mod slurm_cli;
mod slurm_example;
mod sweep;
mod trace;
