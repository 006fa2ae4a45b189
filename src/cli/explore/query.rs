//! The query string of `/` and `/api/...`: the same changes `pointsim compare` takes as flags.
//!
//! `set=PATH=VALUE` (repeatable, in order), `replicates=K`, `seed=N`,
//! `population=N`, `steps=N`. The page keeps its whole state in these, so a
//! link reproduces the view and [`Query::argv`] the command line.

use std::path::Path;

use pointsim::Overrides;

/// `replicates` when the query gives none: `pointsim compare`'s default.
pub const DEFAULT_REPLICATES: u32 = 10;

/// The most replicates one request may ask for (as `compare --replicates`).
pub const MAX_REPLICATES: u32 = 10_000;

/// One request's changes to the reform and options of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// `PATH=VALUE` texts, as `--set` takes them, in order.
    pub sets: Vec<String>,
    /// Pairs of runs.
    pub replicates: u32,
    /// `--seed`, `--population`, `--steps`.
    pub overrides: Overrides,
}

impl Query {
    /// Read a query string (without the `?`), percent-decoded.
    ///
    /// # Errors
    ///
    /// An unknown parameter, a repeated single one, or a number that does not parse, as
    /// one line and a hint, worded like the command line's.
    pub fn parse(query: &str) -> Result<Query, (String, String)> {
        let mut q =
            Query { sets: Vec::new(), replicates: DEFAULT_REPLICATES, overrides: Overrides::default() };
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if key != "set" {
                if seen.iter().any(|k| *k == key) {
                    return Err((format!("`{key}` is given twice"), format!("give `{key}` once")));
                }
                seen.push(key.clone().into_owned());
            }
            match key.as_ref() {
                "set" => q.sets.push(value.into_owned()),
                "replicates" => {
                    q.replicates = number(&key, &value)?;
                    if !(1..=MAX_REPLICATES).contains(&q.replicates) {
                        return Err((
                            format!(
                                "invalid value `{value}` for `--replicates`: {value} is not in 1..={MAX_REPLICATES}"
                            ),
                            "ask for 1 to 10000 replicates".into(),
                        ));
                    }
                }
                "seed" => q.overrides.seed = Some(number(&key, &value)?),
                "population" => q.overrides.population = Some(number(&key, &value)?),
                "steps" => q.overrides.steps = Some(number(&key, &value)?),
                other => {
                    return Err((
                        format!("unknown parameter `{other}`"),
                        "the parameters are `set`, `replicates`, `seed`, `population` and `steps`".into(),
                    ));
                }
            }
        }
        Ok(q)
    }

    /// This query as a query string, the form [`Query::parse`] reads.
    pub fn to_query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for set in &self.sets {
            s.append_pair("set", set);
        }
        let o = &self.overrides;
        for (key, value) in
            [("seed", o.seed), ("population", o.population), ("steps", o.steps.map(u64::from))]
        {
            if let Some(x) = value {
                s.append_pair(key, &x.to_string());
            }
        }
        s.append_pair("replicates", &self.replicates.to_string());
        s.finish()
    }

    /// The `pointsim compare` command line that computes the same comparison.
    pub fn argv(&self, base: &Path, reform: Option<&Path>, min_cell: u32) -> Vec<String> {
        let mut v = vec!["pointsim".to_owned(), "compare".to_owned(), base.display().to_string()];
        if let Some(r) = reform {
            v.push(r.display().to_string());
        }
        for s in &self.sets {
            v.extend(["--set".to_owned(), s.clone()]);
        }
        let o = &self.overrides;
        for (flag, value) in
            [("--seed", o.seed), ("--population", o.population), ("--steps", o.steps.map(u64::from))]
        {
            if let Some(x) = value {
                v.extend([flag.to_owned(), x.to_string()]);
            }
        }
        v.extend(["--replicates".to_owned(), self.replicates.to_string()]);
        if min_cell != pointsim::output::DEFAULT_MIN_CELL {
            v.extend(["--min-cell".to_owned(), min_cell.to_string()]);
        }
        v
    }
}

/// A whole number for option `key`.
fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, (String, String)>
where
    T::Err: std::fmt::Display,
{
    value.trim().parse().map_err(|e| {
        (format!("invalid value `{value}` for `--{key}`: {e}"), format!("give `{key}` a whole number"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_keep_their_order_and_decode() {
        let q = Query::parse("set=rule.a.points%3D10&replicates=3&set=tier.A.min=990&seed=7").unwrap();
        assert_eq!(q.sets, ["rule.a.points=10", "tier.A.min=990"]);
        assert_eq!(q.replicates, 3);
        assert_eq!(q.overrides, Overrides { seed: Some(7), ..Overrides::default() });
        assert_eq!(
            q.argv(Path::new("s.toml"), None, pointsim::output::DEFAULT_MIN_CELL).join(" "),
            "pointsim compare s.toml --set rule.a.points=10 --set tier.A.min=990 --seed 7 --replicates 3"
        );
    }

    #[test]
    fn a_query_string_reads_back() {
        let q = Query {
            sets: vec!["scenario.name=\"a & b\"".into(), "tier.A.min=990".into()],
            replicates: 4,
            overrides: Overrides { population: Some(3000), steps: Some(12), seed: None },
        };
        assert_eq!(Query::parse(&q.to_query()).unwrap(), q);
    }

    #[test]
    fn defaults_are_compares() {
        let q = Query::parse("").unwrap();
        assert_eq!(q.replicates, DEFAULT_REPLICATES);
        assert!(q.sets.is_empty());
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(Query::parse("colour=red").unwrap_err().0, "unknown parameter `colour`");
        assert!(Query::parse("replicates=0").unwrap_err().0.contains("not in 1..=10000"));
        assert!(
            Query::parse("population=lots")
                .unwrap_err()
                .0
                .starts_with("invalid value `lots` for `--population`")
        );
        assert_eq!(Query::parse("seed=1&seed=2").unwrap_err().0, "`seed` is given twice");
    }
}
