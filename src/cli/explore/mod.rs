//! `pointsim explore`: a local web page that compares a scenario with a reform as its controls move.
//!
//! The server (tiny_http, one thread per request) answers the page, its
//! script and style (compiled into the binary), and these API calls:
//! `/api/scenario` (the controls), `/api/compare?set=...` (the compare.json
//! of `pointsim compare BASE --set ...`, computed by the same functions),
//! `/api/explore?set=...` (that document and both sides at every snapshot:
//! and the four-fifths ratios of both sides: what the page draws), `/api/status` (whether a comparison is running) and
//! `/api/overlay?set=...` (the reform as an overlay file), and the CJK
//! font of the charts for the page's Chinese text.

mod batch;
mod controls;
mod export;
mod fairness;
mod http;
mod overlay;
mod query;
mod session;

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;

use super::{Failure, term};

/// Serve a live comparison page for a class: move a rule's points, a tier's
/// threshold or the population, see the reform against the base at once.
///
/// Prints `explore: http://HOST:PORT/` as its first line and serves until
/// stopped (Ctrl-C). The page keeps its state in its address
/// (`/?set=rule.volunteering.points=10`, the paths of `compare --set`),
/// shows the `pointsim compare` command that gives the same numbers and
/// offers the reform as an overlay file. Only SCENARIO, REFORM and the
/// files they extend are read, once, at start.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pointsim explore scenarios/teaching_toy.toml\n  \
    pointsim explore scenarios/teaching_toy.toml --port 8080 --no-open\n  \
    pointsim explore scenarios/teaching_toy.toml --set rule.volunteer_service.points=10 --export page.html\n  \
    pointsim explore scenarios/fairness_delayed_impact.toml scenarios/overlays/fairness_reform.toml")]
pub struct Args {
    /// Base scenario file (TOML).
    scenario: PathBuf,
    /// Reform scenario file (TOML) the page's changes apply to [default: the base].
    reform: Option<PathBuf>,
    /// Change the reform from the start, as `compare --set` does: the page
    /// opens with these values. Repeat for several.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Replicates (pairs of runs) the page starts with.
    #[arg(short, long, value_name = "K", default_value_t = controls::PAGE_REPLICATES,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(query::MAX_REPLICATES)))]
    replicates: u32,
    #[command(flatten)]
    overrides: super::overrides::OverrideArgs,
    /// Write this comparison as one self-contained page (no server needed,
    /// controls read-only) to FILE and exit.
    #[arg(long, value_name = "FILE")]
    export: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// Address to listen on. Anything but a loopback address makes the page
    /// reachable from other machines.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Do not open the page in a browser.
    #[arg(long)]
    no_open: bool,
    /// The largest population a request may ask for.
    #[arg(long, value_name = "N", default_value_t = 200_000)]
    max_population: u64,
    /// Worker threads [default: $SLURM_CPUS_PER_TASK, else every core].
    #[arg(short, long, value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Small-cell suppression, as for `compare`.
    #[arg(long, value_name = "K", default_value_t = pointsim::output::DEFAULT_MIN_CELL)]
    min_cell: u32,
    /// Run even when the memory estimate exceeds what is available.
    #[arg(long)]
    ignore_memory: bool,
    /// Language of the page's words (the scenario's own text is shown as written).
    #[arg(long, value_enum, value_name = "LANG", default_value = "en")]
    lang: controls::Lang,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let session = session::Session::new(session::Options {
        base_path: args.scenario.clone(),
        reform_path: args.reform.clone(),
        max_population: args.max_population,
        min_cell: args.min_cell,
        threads: pointsim::budget::threads(args.jobs),
        ignore_memory: args.ignore_memory,
        lang: args.lang,
    })?;
    // the starting state, checked as `compare` checks its flags
    let start = query::Query {
        sets: args.set.clone(),
        replicates: args.replicates,
        overrides: args.overrides.overrides(),
    };
    let prepared = session.prepare(start.clone()).map_err(|e| Failure::BadInput(e.message))?;
    if let Some(file) = &args.export {
        return export(&session, &prepared, file);
    }
    if !args.host.is_loopback() {
        term::eprint(&format!(
            "warning: listening on `{}`: anyone who can reach this machine can use the page and run simulations\n",
            args.host
        ));
    }
    let server = tiny_http::Server::http(SocketAddr::new(args.host, args.port)).map_err(|e| {
        Failure::BadInput(format!("error: cannot listen on `{}:{}`: {e}\n", args.host, args.port))
    })?;
    let served =
        server.server_addr().to_ip().context("the server listens on something that is not an IP address")?;
    let mut url = format!("http://{served}/");
    if !start.sets.is_empty()
        || start.overrides != pointsim::Overrides::default()
        || start.replicates != controls::PAGE_REPLICATES
    {
        url = format!("{url}?{}", start.to_query());
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "explore: {url}").and_then(|()| out.flush()).context("cannot write to stdout")?;
    }
    if !args.no_open {
        open_browser(&url);
    }
    let session = Arc::new(session);
    for request in server.incoming_requests() {
        let session = Arc::clone(&session);
        std::thread::spawn(move || http::serve(&session, request, served));
    }
    Ok(())
}

/// Write the page of one comparison to `file`.
fn export(session: &session::Session, p: &session::Prepared, file: &std::path::Path) -> Result<(), Failure> {
    let page = export::page(session, p).map_err(|e| match e.status {
        400 => Failure::BadInput(e.message),
        _ => Failure::Other(anyhow::anyhow!(e.message.trim().trim_start_matches("error: ").to_owned())),
    })?;
    let name = file.file_name().context("the export needs a file name")?.to_string_lossy().into_owned();
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    pointsim::output::write_all(dir, &[(&name, page)])
        .with_context(|| format!("cannot write `{}`", file.display()))?;
    Ok(())
}

/// Open `url` with `xdg-open` when there is a display; never fails.
fn open_browser(url: &str) {
    let display =
        ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    if !display {
        return;
    }
    let child = std::process::Command::new("xdg-open")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Ok(mut child) = child {
        // reap it when it ends, so it leaves no zombie
        std::thread::spawn(move || child.wait());
    }
}
