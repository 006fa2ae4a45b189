//! The options that replace scenario values for one invocation, shared by
//! `run` and `trace`.

use pointsim::Overrides;

/// `--seed`, `--population` and `--steps`.
#[derive(Debug, Clone, clap::Args)]
pub struct OverrideArgs {
    /// Seed for this run, replacing `scenario.seed`.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Number of subjects, replacing `population.size` (for quick tries; it
    /// also sets which subject numbers each group holds).
    #[arg(long, value_name = "N")]
    pub population: Option<u64>,
    /// Number of steps, replacing `scenario.steps` (for quick tries).
    #[arg(long, value_name = "N")]
    pub steps: Option<u32>,
}

impl OverrideArgs {
    /// The library's view of these options.
    pub fn overrides(&self) -> Overrides {
        Overrides { seed: self.seed, population: self.population, steps: self.steps }
    }
}
