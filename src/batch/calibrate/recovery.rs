//! Recovery checks: targets simulated from known parameter values are fitted again, and the
//! true values should fall inside the reported 95% ranges about 95% of the time.

use std::path::Path;

use super::method::{UnitBox, WavePlan};
use super::targets::{self, Targets};
use crate::engine::rng::{Purpose, Stream};

/// The recovery problem: two rates of `scenarios/calibration/recovery_toy.toml`
/// (log-uniform priors over a decade each), two stock targets with sd `sd`,
/// and `values` as the figures (placeholders until the truth is simulated).
pub fn recovery_targets(values: [f64; 2], sd: f64, candidates: u32, replicates: u32, seed: u64) -> Targets {
    let text = format!(
        "scenario = \"scenarios/calibration/recovery_toy.toml\"\nwaves = 3\ncandidates = {candidates}\nreplicates = {replicates}\nseed = {seed}\n\
         [[parameter]]\npath = \"rule.offence.rate\"\nmin = 0.15\nmax = 1.5\nprior = \"log_uniform\"\n\
         [[parameter]]\npath = \"rule.payment.rate\"\nmin = 0.5\nmax = 5.0\nprior = \"log_uniform\"\n\
         [[target]]\nmetric = \"list_share.listed\"\nstep = 3\nvalue = {}\nsd = {sd}\nkind = \"stock\"\nsource = \"synthetic truth\"\n\
         [[target]]\nmetric = \"list_share.listed\"\nstep = 36\nvalue = {}\nsd = {sd}\nkind = \"stock\"\nsource = \"synthetic truth\"\n",
        values[0], values[1]
    );
    targets::parse(&text, "recovery.toml", Path::new(env!("CARGO_MANIFEST_DIR")), None)
        .expect("the recovery targets check")
}

/// A synthetic truth: unit coordinates drawn from the prior, one run of
/// them with a seed the calibration never uses, plus observation noise
/// N(0, sd²) on each figure (the error the targets declare).
pub fn synthetic_truth(t: &Targets, i: u64, sd: f64) -> (Vec<f64>, [f64; 2]) {
    let mut s = Stream::new(0x7e57_0000 + i, 0, Purpose::Events);
    let units: Vec<f64> = (0..t.parameters.len()).map(|_| s.uniform()).collect();
    let params = super::method::values(t, &units);
    let mut truth = t.clone();
    truth.seed = 0x00de_ad00 + i;
    let plan =
        WavePlan { wave: 0, region: UnitBox::full(2), units: vec![units], params: vec![params.clone()] };
    let out = super::run_in_memory(&truth, &plan, 1).expect("the recovery toy's plan checks");
    let mut z = [0.0; 2];
    for (k, zk) in z.iter_mut().enumerate() {
        // Box–Muller
        let (u1, u2) = (s.uniform().max(1e-300), s.uniform());
        let noise = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        *zk = out[0][0][k].unwrap() + sd * noise;
    }
    (params, z)
}

/// Fit the synthetic truth `i`: the truth's values and the reported ranges.
pub fn recover(i: u64, sd: f64, candidates: u32, replicates: u32) -> (Vec<f64>, super::Outcome) {
    let probe = recovery_targets([0.1, 0.1], sd, candidates, replicates, 11);
    let (truth, z) = synthetic_truth(&probe, i, sd);
    let t = recovery_targets(z, sd, candidates, replicates, 11);
    let o = super::calibrate(&t, |plan| super::run_in_memory(&t, plan, 1))
        .expect("the recovery toy's plan checks");
    (truth, o)
}
