//! Re-running a command into the folder of its earlier results.
//!
//! `pointsim run FILE` twice, or `compare` twice, writes into the same
//! default folder. The second run replaces the first's results without
//! `--force` when the folder holds nothing but pointsim's results of the
//! same command kind, the same scenario file(s), the same `--set` changes
//! and the same options that change results (`--seed`, `--population`,
//! `--steps`, `--min-cell`, `--replicates`), as its `manifest.json` or
//! `compare.json` records; it says so, and says when the scenario file has
//! changed since (an edited file is the usual reason to run it again). A
//! folder holding anything else (another scenario's or another option's
//! results, a compare's in a run's folder, a file pointsim did not write)
//! is refused unless `--force`, as before.

use std::path::Path;

use pointsim::output::{self, shell_quote};
use pointsim::scenario::ChainFile;

use super::Failure;

/// Which command's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `pointsim run`: manifest.json and the files next to it.
    Run,
    /// `pointsim compare`: compare.json and the files next to it.
    Compare,
}

/// What this invocation's results will be, to recognise its earlier ones.
#[derive(Debug)]
pub struct Identity<'a> {
    /// The command.
    pub kind: Kind,
    /// The scenario files as given: the file for `run`, base and reform for `compare`.
    pub files: Vec<String>,
    /// The command line, program name first.
    pub argv: &'a [String],
    /// Every file read, with its SHA-256 (to say when one has changed).
    pub chain: Vec<ChainFile>,
    /// The command that makes these results, as it would be recorded.
    pub command: String,
    /// The value each option that changes results takes when it is not
    /// typed (`--seed` the scenario's seed, `--min-cell` the default, ...):
    /// an option typed with that value is as good as not typed, so
    /// `run FILE --seed 42` replaces the results of `run FILE` when the
    /// file's seed is 42 (the report's Reproduce line runs as printed).
    pub defaults: Vec<(&'static str, String)>,
}

/// How the output folder was made ready.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Earlier results are being replaced (`--force`, or the same run's):
    /// remove the earlier charts so none outlives its data.
    pub replacing: bool,
    /// What to tell the user once the new results are written.
    pub note: Option<String>,
}

/// Check that `out` can take `me`'s results: as [`output::check_out_dir`]
/// (a missing folder stays missing: the results are staged next to it),
/// except that a folder of the same run's earlier results is replaced
/// without `force` (see the module documentation).
pub fn prepare(out: &Path, force: bool, me: &Identity) -> Result<Prepared, Failure> {
    let bad = |e: output::OutDirError| Failure::BadInput(format!("error: {e}\n"));
    if force {
        output::check_out_dir(out, true).map_err(bad)?;
        return Ok(Prepared { replacing: true, note: None });
    }
    let refused = match output::check_out_dir(out, false) {
        Ok(()) => return Ok(Prepared::default()),
        Err(e @ output::OutDirError::NotEmpty { .. }) => e,
        Err(e) => return Err(bad(e)),
    };
    let another = |command: &str| {
        Failure::BadInput(format!(
            "error: output folder `{}` holds the results of another run: `{command}`\n\nhint: a command \
             replaces only its own earlier results (the same scenario file, --set changes and --seed, \
             --population, --steps, --min-cell and --replicates); use --force to overwrite them, or \
             choose another folder with --out\n",
            out.display(),
        ))
    };
    let foreign = foreign_entries(out, me.kind);
    if !foreign.is_empty() {
        let other = match me.kind {
            Kind::Run => Kind::Compare,
            Kind::Compare => Kind::Run,
        };
        if foreign_entries(out, other).is_empty()
            && let Some(earlier) = Earlier::read(out, other)
        {
            return Err(another(&earlier.command));
        }
        return Err(Failure::BadInput(format!(
            "error: output folder `{}` holds {} that `pointsim {}` does not write: {}\n\nhint: use \
             --force to write over pointsim's files and keep the others, or choose another folder with \
             --out\n",
            out.display(),
            if foreign.len() == 1 { "a file" } else { "files" },
            match me.kind {
                Kind::Run => "run",
                Kind::Compare => "compare",
            },
            list(&foreign)
        )));
    }
    let Some(earlier) = Earlier::read(out, me.kind) else { return Err(bad(refused)) };
    if !earlier.same_as(me) {
        return Err(another(&earlier.command));
    }
    let mut note = format!("note: replaced the earlier results in `{}/`", out.display());
    let changed: Vec<String> = me
        .chain
        .iter()
        .filter_map(|now| {
            let then = earlier.chain.iter().find(|f| f.file == now.file)?;
            (then.sha256 != now.sha256).then(|| {
                format!(
                    "`{}` has changed since: sha256 {}… then, {}… now",
                    now.file,
                    short(&then.sha256),
                    short(&now.sha256)
                )
            })
        })
        .collect();
    if !changed.is_empty() {
        note.push_str(&format!(" ({})", changed.join("; ")));
    }
    if earlier.command != me.command {
        note.push_str(&format!("; they were made by `{}`", earlier.command));
    }
    note.push('\n');
    Ok(Prepared { replacing: true, note: Some(note) })
}

/// The first 12 hex digits of a SHA-256.
fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// `` `a`, `b` and 3 more ``.
fn list(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = names.iter().take(SHOWN).map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}

/// The files `kind` writes at the top of its folder.
fn own_files(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Run => &[
            output::SUMMARY_JSON,
            output::STEPS_CSV,
            output::HISTOGRAM_CSV,
            output::MANIFEST_JSON,
            "report.html",
            "ledger.parquet",
            output::COLUMNS_CSV,
        ],
        Kind::Compare => &[
            "compare.json",
            "compare.csv",
            "transitions.csv",
            "access_changes.csv",
            "compare.html",
            output::COLUMNS_CSV,
        ],
    }
}

/// Whether `name` is a chart `kind` draws into `plots/`.
fn own_chart(kind: Kind, name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    let drawn = match kind {
        Kind::Run => pointsim::plot::CHART_NAMES.contains(&stem),
        Kind::Compare => stem == "compare_distribution",
    };
    drawn && matches!(ext, "png" | "svg")
}

/// A temporary file `output::write_all` left behind when a write was cut short.
fn leftover(name: &str) -> bool {
    name.starts_with(".pointsim-") && name.ends_with(".tmp")
}

/// What in `dir` is not a file `kind` writes (`plots/x` for one in `plots/`), sorted.
fn foreign_entries(dir: &Path, kind: Kind) -> Vec<String> {
    let names = |d: &Path| -> Vec<(String, bool)> {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path().is_dir()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut foreign = Vec::new();
    for (name, is_dir) in names(dir) {
        if name == "plots" && is_dir {
            for (chart, sub_dir) in names(&dir.join("plots")) {
                if sub_dir || !(own_chart(kind, &chart) || leftover(&chart)) {
                    foreign.push(format!("plots/{chart}"));
                }
            }
        } else if is_dir || !(own_files(kind).contains(&name.as_str()) || leftover(&name)) {
            foreign.push(name);
        }
    }
    foreign.sort();
    foreign
}

/// An earlier result, as its record file describes it.
struct Earlier {
    /// The scenario files as given then.
    files: Vec<String>,
    /// The command line then, program name first.
    argv: Vec<String>,
    /// The files read then, with their SHA-256.
    chain: Vec<ChainFile>,
    /// The command that made it.
    command: String,
}

impl Earlier {
    /// The earlier `kind` result in `dir`, if its record file can be read.
    fn read(dir: &Path, kind: Kind) -> Option<Earlier> {
        let record = match kind {
            Kind::Run => output::MANIFEST_JSON,
            Kind::Compare => "compare.json",
        };
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(record)).ok()?).ok()?;
        let strings = |v: &serde_json::Value| -> Option<Vec<String>> {
            v.as_array()?.iter().map(|s| s.as_str().map(str::to_owned)).collect()
        };
        // ChainFile reads no JSON: take its two fields by hand
        let chain = |v: &serde_json::Value| -> Option<Vec<ChainFile>> {
            v.as_array()?
                .iter()
                .map(|f| {
                    Some(ChainFile {
                        file: f["file"].as_str()?.to_owned(),
                        sha256: f["sha256"].as_str()?.to_owned(),
                    })
                })
                .collect()
        };
        let argv = strings(&doc["command"]["argv"])?;
        match kind {
            Kind::Run => Some(Earlier {
                files: vec![doc["scenario_file"].as_str()?.to_owned()],
                chain: chain(&doc["scenario_chain"])?,
                command: doc["command"]["reproduce"].as_str()?.to_owned(),
                argv,
            }),
            Kind::Compare => {
                let (base, reform) = (chain(&doc["base"]["chain"])?, chain(&doc["reform"]["chain"])?);
                Some(Earlier {
                    files: vec![base.first()?.file.clone(), reform.first()?.file.clone()],
                    chain: base.into_iter().chain(reform).collect(),
                    command: command_of(&argv),
                    argv,
                })
            }
        }
    }

    /// Whether `me` makes the same results: the same files, changes and options.
    fn same_as(&self, me: &Identity) -> bool {
        let typed = |argv: &[String]| -> Vec<(String, String)> {
            options_of(argv)
                .into_iter()
                .filter(|(name, value)| !me.defaults.iter().any(|(n, v)| n == name && v == value))
                .collect()
        };
        sets_of(&self.argv) == sets_of(me.argv)
            && typed(&self.argv) == typed(me.argv)
            && self.files.len() == me.files.len()
            && self.files.iter().zip(&me.files).all(|(then, now)| same_file(then, now))
    }
}

/// [`Identity::defaults`] of a run of `s`: its seed, population and steps,
/// and the default `--min-cell` (a compare adds its `--replicates`).
pub fn defaults_of(s: &pointsim::scenario::Scenario) -> Vec<(&'static str, String)> {
    vec![
        ("--seed", s.seed.to_string()),
        ("--population", s.population.to_string()),
        ("--steps", s.steps.to_string()),
        ("--min-cell", pointsim::output::DEFAULT_MIN_CELL.to_string()),
    ]
}

/// The same path, or two paths of one existing file.
fn same_file(a: &str, b: &str) -> bool {
    a == b || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// The `--set` values of a command line, in order.
fn sets_of(argv: &[String]) -> Vec<String> {
    let mut sets = Vec::new();
    let mut words = argv.iter();
    while let Some(w) = words.next() {
        if w == "--" {
            break;
        } else if w == "--set" {
            sets.extend(words.next().cloned());
        } else if let Some(v) = w.strip_prefix("--set=") {
            sets.push(v.to_owned());
        }
    }
    sets
}

/// The options of a command line that change results, by long name with
/// their values, sorted (`--seed 7`, `--seed=7`, `-r 3`, `-r3`, `-r=3`).
/// An option given twice keeps both, so such a line matches only itself.
fn options_of(argv: &[String]) -> Vec<(String, String)> {
    const LONG: [&str; 5] = ["--seed", "--population", "--steps", "--min-cell", "--replicates"];
    let mut found = Vec::new();
    let mut words = argv.iter().skip(1);
    while let Some(w) = words.next() {
        if w == "--" {
            break;
        }
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ if w.starts_with("-r") && w.len() > 2 && !w.starts_with("--") => {
                ("-r".to_owned(), Some(w[2..].trim_start_matches('=').to_owned()))
            }
            _ => (w.clone(), None),
        };
        let name = if name == "-r" { "--replicates".to_owned() } else { name };
        if LONG.contains(&name.as_str()) {
            let value = inline.or_else(|| words.next().cloned()).unwrap_or_default();
            found.push((name, value.trim().to_owned()));
        } else if name == "--set" && inline.is_none() {
            // its value is not an option, whatever it looks like
            words.next();
        }
    }
    found.sort();
    found
}

/// A command line as a user would type it: `pointsim` and the arguments, quoted.
pub fn command_of(argv: &[String]) -> String {
    std::iter::once("pointsim".to_owned())
        .chain(argv.iter().skip(1).map(|w| shell_quote(w)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_read_back_from_a_command_line() {
        let argv: Vec<String> = [
            "pointsim",
            "compare",
            "a.toml",
            "--set",
            "x.y=1",
            "--set=z=\"AA\"",
            "-r",
            "3",
            "--",
            "--set",
            "q",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(sets_of(&argv), ["x.y=1", "z=\"AA\""]);
        let opts = |words: &[&str]| options_of(&words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>());
        let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        assert_eq!(
            opts(&["p", "compare", "a", "-r3", "--seed=7", "-q"]),
            [pair("--replicates", "3"), pair("--seed", "7")]
        );
        assert_eq!(
            opts(&["p", "run", "a", "--steps", "4", "-j", "2"]),
            opts(&["p", "run", "--steps=4", "a"])
        );
        assert_eq!(opts(&["p", "run", "a", "--set", "--seed"]), []);
        assert_eq!(command_of(&argv[..4]), "pointsim compare a.toml --set");
    }

    #[test]
    fn only_pointsims_own_files_are_its_own() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        for f in ["manifest.json", "summary.json", "plots/tier_shares.svg", "plots/.pointsim-x.tmp"] {
            std::fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
            std::fs::write(d.join(f), "").unwrap();
        }
        assert!(foreign_entries(d, Kind::Run).is_empty(), "{:?}", foreign_entries(d, Kind::Run));
        assert_eq!(
            foreign_entries(d, Kind::Compare),
            ["manifest.json", "plots/tier_shares.svg", "summary.json"]
        );
        std::fs::write(d.join("notes.txt"), "").unwrap();
        std::fs::create_dir(d.join("plots/mine")).unwrap();
        assert_eq!(foreign_entries(d, Kind::Run), ["notes.txt", "plots/mine"]);
    }
}
