//! The options that replace scenario values for one invocation, shared by
//! `run` and `trace`.

use pointsim::Overrides;

/// `--seed`, `--population` and `--steps`.
#[derive(Debug, Clone, clap::Args)]
pub struct OverrideArgs {
    /// Seed for this run, replacing `scenario.seed`.
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = seed)]
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

/// `-j N`: a whole number of threads, at least 1 (clap's own message for 0
/// speaks of a "non-zero type").
pub fn threads(text: &str) -> Result<std::num::NonZeroUsize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) => std::num::NonZeroUsize::new(n).ok_or_else(|| "use at least 1 thread".to_owned()),
        Err(_) => Err(format!("`{text}` is not a number of threads: use a whole number, 1 or more")),
    }
}

/// `--seed N`: a whole number from 0 to 2^64 − 1. A negative value reaches
/// this parser (rather than clap's hint to write `-- -1`) and is told why.
pub fn seed(text: &str) -> Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| {
        let negative = text.trim_start().starts_with('-');
        let why = if negative { "seeds are not negative" } else { "not a whole number" };
        format!("`{text}`: {why}; a seed is a whole number from 0 to {}", u64::MAX)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn threads_and_seeds_say_what_is_wrong() {
        assert_eq!(super::threads("2").unwrap().get(), 2);
        assert_eq!(super::threads("0").unwrap_err(), "use at least 1 thread");
        assert!(super::threads("two").unwrap_err().contains("whole number"));
        assert_eq!(super::seed("7"), Ok(7));
        assert!(super::seed("-1").unwrap_err().contains("seeds are not negative"));
        assert!(super::seed("x").unwrap_err().contains("not a whole number"));
    }
}
