//! `pointsim sensitivity`: Sobol' indices against a closed form, the plan's diagnostics, the files, resume and determinism.

use std::path::{Path, PathBuf};

use pointsim::batch::sensitivity::{Method, MetricAnalysis, Settings, Study, plan};
use rayon::prelude::*;
use tempfile::TempDir;

use crate::common::{TOY, pointsim, read, repo};

/// A scenario whose mean final score is known in closed form: no score
/// bounds, no caps, no tier feedback, so every subject's score is
/// `start + Σ_i points_i · N_i` with `N_i ~ Poisson(rate_i · years)`, and
/// the expected mean is `start + Σ_i points_i · rate_i · years` (one year here).
const LINEAR: &str = r#"
schema_version = 1
[scenario]
name = "linear"
seed = 5
steps = 12
step = "month"
[score]
start = 100
[[tier]]
name = "all"
min = -100000
[population]
size = 1000
[[rule]]
id = "good"
points = 5
rate = 1.0
[[rule]]
id = "bad"
points = -5
rate = 0.3
"#;

/// The free parameters of [`LINEAR`]: `P1 ∈ {1..10}`, `R1 ∈ [0.5, 2]`,
/// `P2 ∈ {−10..−1}`, `R2 ∈ [0.1, 0.5]`, each uniform and independent.
const LINEAR_PLAN: &str = r#"
base = "linear.toml"
metrics = ["score.mean"]
[vary]
"rule.good.points" = [1, 10]
"rule.good.rate" = [0.5, 2.0]
"rule.bad.points" = [-10, -1]
"rule.bad.rate" = [0.1, 0.5]
"#;

/// Mean and variance of a uniform integer on `a..=b` or a uniform number on `[a, b]`.
fn moments(a: f64, b: f64, integer: bool) -> (f64, f64) {
    let var = if integer { ((b - a + 1.0).powi(2) - 1.0) / 12.0 } else { (b - a).powi(2) / 12.0 };
    ((a + b) / 2.0, var)
}

/// The exact first-order and total indices of `Y = P1 R1 + P2 R2` (the
/// expected mean score less `start`), in the plan's parameter order.
///
/// For one term `Z = P R` with `P` and `R` independent (means `μ`, variances `σ²`):
/// `E[Z | P] = P μ_R`, so `V_P = Var(E[Y | P]) = σ_P² μ_R²`; likewise
/// `V_R = σ_R² μ_P²`; and `Var(Z) = E[P²] E[R²] − μ_P² μ_R² = V_P + V_R + σ_P² σ_R²`,
/// the last term the `P × R` interaction. The terms of different rules are
/// independent and additive, so `V = Var(Z_1) + Var(Z_2)`,
/// `S1_P = V_P / V` and `ST_P = (V_P + σ_P² σ_R²) / V = σ_P² E[R²] / V`
/// (and the same with `P` and `R` swapped).
fn exact() -> (Vec<f64>, Vec<f64>) {
    let terms = [
        (moments(1.0, 10.0, true), moments(0.5, 2.0, false)),
        (moments(-10.0, -1.0, true), moments(0.1, 0.5, false)),
    ];
    let v: f64 =
        terms.iter().map(|((mp, vp), (mr, vr))| (vp + mp * mp) * (vr + mr * mr) - mp * mp * mr * mr).sum();
    let (mut s1, mut st) = (Vec::new(), Vec::new());
    for ((mp, vp), (mr, vr)) in terms {
        s1.extend([vp * mr * mr / v, vr * mp * mp / v]);
        st.extend([(vp * mr * mr + vp * vr) / v, (vr * mp * mp + vp * vr) / v]);
    }
    (s1, st)
}

/// Run a whole study in this process.
fn run_study(study: &Study) -> Vec<pointsim::results::sweep::Record> {
    study.sweep.runs().par_iter().map(|&(c, r)| study.sweep.run(c, r)).collect()
}

#[test]
fn sobol_indices_of_a_linear_score_match_the_closed_form() {
    let tmp = TempDir::new().unwrap();
    std::fs::write(tmp.path().join("linear.toml"), LINEAR).unwrap();
    let p = plan::parse(LINEAR_PLAN, "linear_plan.toml", tmp.path()).unwrap();
    assert_eq!(p.params.iter().map(|q| q.integer).collect::<Vec<_>>(), [true, false, true, false]);
    let settings = Settings::new(&p, Method::Sobol, Some(256), Some(1));
    let study = Study::prepare(p, settings, 2, None).unwrap();
    let records = run_study(&study);
    assert!(records.iter().all(|r| r.is_ok()));
    // the outputs themselves: each design point's mean score is start + Σ p r
    // up to Poisson noise, whose sd for 1000 subjects is at most
    // sqrt((100 · 2 + 100 · 0.5) / 1000) = 0.5; 5 sd of slack
    let y = study.means(&records, "score.mean");
    for (c, v) in y.iter().enumerate() {
        let x: Vec<f64> = (0..4)
            .map(|j| {
                study.value(c, j).as_float().unwrap_or_else(|| study.value(c, j).as_integer().unwrap() as f64)
            })
            .collect();
        let want = 100.0 + x[0] * x[1] + x[2] * x[3];
        assert!((v - want).abs() < 2.5, "point {c}: {v} vs {want}");
    }
    let a: Vec<MetricAnalysis> = study.analyze(&records);
    let (s1, st) = exact();
    let names = ["rule.good.points", "rule.good.rate", "rule.bad.points", "rule.bad.rate"];
    for (j, name) in names.iter().enumerate() {
        for (kind, want) in [("S1", s1[j]), ("ST", st[j])] {
            let i = a[0].indices.iter().find(|i| i.parameter == *name && i.kind == kind).unwrap();
            let (est, lo, hi) = (i.estimate.unwrap(), i.ci_low.unwrap(), i.ci_high.unwrap());
            let half = (hi - lo) / 2.0;
            // the 95% bootstrap half-width is 1.96 sd of the estimator; an
            // error within 2 half-widths (about 4 sd) is what a correct
            // estimator gives, and the run is deterministic (fixed seed), so
            // this cannot flake. The half-width itself must be small enough
            // for the comparison to mean something.
            assert!(half < 0.15, "{name} {kind}: interval too wide to test ({lo}, {hi})");
            assert!((est - want).abs() <= 2.0 * half, "{name} {kind}: {est} [{lo}, {hi}] vs exact {want:.4}");
        }
    }
    // the big term dominates: P1 then R1 then the small rule
    let st_of =
        |n: &str| a[0].indices.iter().find(|i| i.parameter == n && i.kind == "ST").unwrap().estimate.unwrap();
    assert!(
        st_of(names[0]) > st_of(names[1])
            && st_of(names[1]) > st_of(names[2])
            && st_of(names[2]) > st_of(names[3])
    );
}

#[test]
fn replicate_noise_share_is_the_poisson_variance_over_the_total() {
    // with the ranges pinned nearly to one point the outputs vary by noise alone
    let tmp = TempDir::new().unwrap();
    std::fs::write(tmp.path().join("linear.toml"), LINEAR).unwrap();
    let text = LINEAR_PLAN.replace("[0.5, 2.0]", "[1.0, 1.000001]").replace("[1, 10]", "[5, 5]");
    let e = plan::parse(&text, "p.toml", tmp.path()).unwrap_err();
    assert!(e.render(false).contains("`lo` must be below `hi`"), "{}", e.render(false));
    let text = LINEAR_PLAN.replace("[0.5, 2.0]", "[1.0, 1.000001]").replace("[1, 10]", "[5, 6]");
    let p = plan::parse(&text, "p.toml", tmp.path()).unwrap();
    let settings = Settings::new(&p, Method::Morris, Some(8), Some(3));
    let study = Study::prepare(p, settings, 2, None).unwrap();
    let a = study.analyze(&run_study(&study));
    let noise = a[0].noise.unwrap();
    assert!(noise.share > 0.0 && noise.share.is_finite(), "{noise:?}");
}

/// Write a sensitivity plan over the teaching toy into `dir`.
fn toy_plan(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("sens.toml");
    std::fs::write(&p, format!("base = {:?}\n{body}", repo(TOY).display().to_string())).unwrap();
    p
}

const SMALL: &str = "metrics = [\"score.mean\", \"tier_share.AA\"]\n[vary]\n\"rule.volunteer_service.points\" = [1, 10]\n\"rule.traffic_ticket.rate\" = [0.05, 1.5]\n\"population.size\" = [200, 400]\n";

#[test]
fn every_problem_of_a_plan_at_once_with_positions() {
    let tmp = TempDir::new().unwrap();
    let p = toy_plan(
        tmp.path(),
        "replicate = 2\nmetrics = [\"score.maen\"]\n[vary]\n\"rule.volunteer_servic.points\" = [1, 10]\n\"rule.traffic_ticket.rate\" = [2.0, 1.0]\n\"tier.A.min\" = [1.5, 3.5]\n\"rule.utility_fee_late.rate\" = [-1.0, 1.0]\n[morris]\nlevels = 3\n",
    );
    let out = pointsim().arg("sensitivity").arg(&p).args(["--method", "morris"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for want in [
        "sens.toml:2:1",
        "did you mean `replicates`?",
        "unknown metric `score.maen`",
        "did you mean `score.mean`?",
        "sens.toml:5:1",
        "did you mean `rule.volunteer_service.points`?",
        "`lo` must be below `hi`",
        "`tier.A.min` takes whole numbers",
        "an odd number",
        "`rule.utility_fee_late.rate` = -1.0 (the range's `lo`) makes an invalid scenario",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    assert!(!tmp.path().join("output").exists());
}

#[test]
fn writes_indices_samples_json_and_charts_identically_on_any_thread_count() {
    let tmp = TempDir::new().unwrap();
    let p = toy_plan(tmp.path(), SMALL);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for (out, j) in [(&a, "1"), (&b, "2")] {
        pointsim()
            .arg("sensitivity")
            .arg(&p)
            .args(["--method", "sobol", "-n", "8", "-q", "-j", j])
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    }
    for f in [
        "indices.csv",
        "indices.parquet",
        "samples.csv",
        "sensitivity.json",
        "plots/score.mean.svg",
        "plots/tier_share.AA.png",
    ] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f} differs");
    }
    let indices = read(&a.join("indices.csv"));
    let head = indices.lines().next().unwrap();
    assert_eq!(
        head,
        "parameter,metric,kind,estimate,ci_low,ci_high,half_estimate,noise_share,convergence_max_diff"
    );
    // 3 parameters × 2 metrics × (S1, ST)
    assert_eq!(indices.lines().count(), 1 + 12);
    let samples = read(&a.join("samples.csv"));
    assert_eq!(samples.lines().count(), 1 + 8 * (3 + 2));
    assert!(
        samples.lines().next().unwrap().starts_with("point,cell,block,role,u.rule.volunteer_service.points,")
    );
    let json: serde_json::Value = serde_json::from_str(&read(&a.join("sensitivity.json"))).unwrap();
    assert_eq!(json["method"], "sobol");
    assert_eq!(json["settings"]["runs"], 40);
    assert!(json["convergence"]["converged"].is_boolean());
    // population.size is an integer key: every value run is a whole number in range
    for line in samples.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let size: i64 = f[9].parse().unwrap();
        assert!((200..=400).contains(&size), "{line}");
    }
}

#[test]
fn resume_keeps_finished_runs_and_refuses_other_settings() {
    let tmp = TempDir::new().unwrap();
    let p = toy_plan(tmp.path(), SMALL);
    let out = tmp.path().join("out");
    let run = |extra: &[&str]| {
        pointsim()
            .arg("sensitivity")
            .arg(&p)
            .args(["--method", "morris", "-n", "4", "-q", "--no-plots"])
            .arg("--out")
            .arg(&out)
            .args(extra)
            .assert()
    };
    run(&[]).success();
    let first = std::fs::read(out.join("indices.csv")).unwrap();
    // a resumed study with every run done reruns nothing and gives the same bytes
    run(&["--resume"]).success();
    assert_eq!(std::fs::read(out.join("indices.csv")).unwrap(), first);
    // not empty: refused without --resume or --force
    run(&[]).code(2);
    // other settings: refused
    let e = run(&["--resume", "--replicates", "2"]).code(2);
    assert!(String::from_utf8_lossy(&e.get_output().stderr).contains("cannot resume"));
    run(&["--force", "--replicates", "2"]).success();
}

#[test]
fn dry_run_prints_the_design_and_runs_nothing() {
    let tmp = TempDir::new().unwrap();
    let p = toy_plan(tmp.path(), SMALL);
    let out = pointsim()
        .arg("sensitivity")
        .arg(&p)
        .args(["--method", "sobol", "-n", "16", "--dry-run"])
        .current_dir(tmp.path())
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("N = 16 base samples × (d + 2) = 80 design points"), "{text}");
    assert!(text.contains("population.size in [200, 400] (integer, rounded)"), "{text}");
    assert!(!tmp.path().join("output").exists());
    // N must be a power of 2
    let e = pointsim()
        .arg("sensitivity")
        .arg(&p)
        .args(["--method", "sobol", "-n", "12", "--dry-run"])
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&e.get_output().stderr).contains("power of 2"));
}
