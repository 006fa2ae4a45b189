//! Every `pointsim::batch` item `explore` uses, in one place, so that moving
//! those types to another module of the library is a change to this file only.

pub use pointsim::batch::compare::compare_until;
pub use pointsim::batch::flatten::document;
pub use pointsim::batch::path::{ParamPath, ident_key};
