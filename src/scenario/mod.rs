//! Scenario files: reading, validation with positioned diagnostics, and the
//! validated [`Scenario`] type the rest of the pipeline uses.
//!
//! Reading has two phases: the TOML document is walked into raw `*Spec`
//! structs ([`spec`]), reporting syntax errors, unknown keys and wrong types;
//! then values and cross-references are checked and the [`Scenario`] is built.
//! Every problem in a file is reported at once, each with its position.
//!
//! ```
//! let text = "[scenario]\nname = \"demo\"\nsteps = 12\n[score]\nstart = 100\n[population]\nsize = 10\n";
//! let loaded = pointsim::scenario::parse(text, "demo.toml").unwrap();
//! assert_eq!(loaded.scenario.steps, 12);
//! let span = loaded.source.span_of("scenario.steps").unwrap();
//! assert_eq!(&text[span], "12");
//! ```

mod beside;
mod build;
mod check;
mod dated;
#[cfg(test)]
mod declared_ranges;
mod diag;
mod explore;
pub(crate) mod file;
pub(crate) mod keys;
pub mod limits;
mod mechanics;
mod model;
mod overlay;
pub mod path;
pub(crate) mod read;
mod rule_tests;
mod schema;
pub(crate) mod source;
pub mod spec;
pub(crate) mod suggest;
mod tables;
mod validate;
mod validate_mech;

pub use beside::{load_tests_file, tests_beside};
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use explore::{ControlSettings, ExplorePage, Lesson};
pub use file::{MAX_FILE_BYTES, read_text};
pub use mechanics::*;
pub use model::*;
pub use overlay::MAX_DEPTH as MAX_EXTENDS_DEPTH;
pub(crate) use overlay::normalize;
pub use rule_tests::{Expectation, MAX_COUNT, RuleTest, ScriptedEvent};
pub use schema::json_schema;
pub use source::{ChainFile, Loaded, ScenarioError, SourceFile, load, parse, parse_in, parse_tests};
