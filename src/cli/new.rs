//! `pointsim new`: write a commented starter scenario that passes `check`.

use std::path::PathBuf;

use anyhow::Context as _;

use super::Failure;

/// The template; `{{name}}` becomes the scenario name.
const STARTER: &str = include_str!("starter.toml");

/// Write a commented starter scenario to NAME.toml.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  pointsim new my_city && pointsim check my_city.toml && pointsim run my_city.toml"
)]
pub struct Args {
    /// Scenario name; the file is NAME.toml (or NAME itself if it ends in .toml).
    name: String,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
}

/// The starter scenario for `name`.
pub fn starter(name: &str) -> String {
    // the name goes inside a TOML basic string: escape what would end or break it
    let escaped: String = name
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect();
    STARTER.replace("{{name}}", &escaped)
}

pub fn run(args: Args) -> Result<(), Failure> {
    let path = if args.name.ends_with(".toml") {
        PathBuf::from(&args.name)
    } else {
        PathBuf::from(format!("{}.toml", args.name))
    };
    let name = path.file_stem().map_or_else(|| args.name.clone(), |s| s.to_string_lossy().into_owned());
    if path.exists() && !args.force {
        return Err(Failure::BadInput(format!(
            "error: `{}` already exists\n\nhint: pick another name, or add `--force` to replace it\n",
            path.display()
        )));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    pointsim::output::write_all(
        dir,
        &[(&path.file_name().unwrap_or_default().to_string_lossy(), starter(&name).into_bytes())],
    )
    .with_context(|| format!("cannot write `{}`", path.display()))?;
    let file = pointsim::output::shell_quote(&path.display().to_string());
    println!("wrote {}: edit it, then `pointsim check {file}` and `pointsim run {file}`", path.display());
    Ok(())
}
