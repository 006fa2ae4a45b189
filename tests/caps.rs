//! What yearly caps hold back: the expected events a cap withholds match
//! E[(N − k)⁺] for a Poisson count N, on both engine paths.

use pointsim::scenario::parse;

/// `P(N = j)` for `N ~ Poisson(lambda)`, `j = 0..=n`.
fn poisson_pmf(lambda: f64, n: usize) -> Vec<f64> {
    let mut p = vec![(-lambda).exp()];
    for j in 1..=n {
        let last = p[j - 1];
        p.push(last * lambda / j as f64);
    }
    p
}

/// `E[(N − k)⁺] = λ − E[min(N, k)]` for `N ~ Poisson(λ)`.
fn expected_excess(lambda: f64, k: u32) -> f64 {
    let p = poisson_pmf(lambda, k as usize);
    let below: f64 = p.iter().enumerate().map(|(j, pj)| j.min(k as usize) as f64 * pj).sum();
    let tail = 1.0 - p.iter().sum::<f64>(); // P(N > k)
    lambda - (below + k as f64 * tail)
}

fn scenario(general: bool) -> pointsim::scenario::Scenario {
    // one year of days, one rule at 6 a year capped at 4: no clamp, no tiers,
    // so the rate never changes and the withheld expectation is exact
    let kind = if general { "[[kind]]\nname = \"all_kinds\"\nshare = 1.0\nmin = -100000\n" } else { "" };
    let text = format!(
        "[scenario]\nname = \"caps\"\nsteps = 365\nseed = 11\n[score]\nstart = 0\n[population]\nsize = 40000\n\
         [[rule]]\nid = \"fine\"\npoints = -3\nrate = 6\nmax_per_year = 4\n{kind}"
    );
    parse(&text, "caps.toml").unwrap().scenario
}

#[test]
fn withheld_events_match_the_poisson_excess_over_the_cap() {
    let (lambda, k, n) = (6.0, 4, 40_000.0);
    let want = expected_excess(lambda, k);
    for general in [false, true] {
        let s = scenario(general);
        let run = pointsim::simulate(&s, s.seed, &|_| {});
        let t = &run.output.totals.rules[0];
        // every subject who reached the cap did so once (one year)
        let p_reach = 1.0 - poisson_pmf(lambda, k as usize - 1).iter().sum::<f64>();
        let reached = t.cap_reached as f64;
        let se = (n * p_reach * (1.0 - p_reach)).sqrt();
        assert!(
            (reached - n * p_reach).abs() < 5.0 * se,
            "{general}: {reached} reached, expected {}",
            n * p_reach
        );
        // each subject's withheld expectation X lies in [0, λ], so Var(X) <= λ E[X]
        // and the sum's standard deviation is at most sqrt(n λ E[X]); 5 of them
        // make a false alarm rarer than 1e-6
        let got = t.events_withheld();
        let sd = (n * lambda * want).sqrt();
        assert!(
            (got - n * want).abs() < 5.0 * sd,
            "{general}: {got} withheld, expected {} ± {}",
            n * want,
            5.0 * sd
        );
        // and the events that did happen are E[min(N, k)] per subject
        let happened = t.events as f64;
        let want_events = n * (lambda - want);
        assert!((happened - want_events).abs() < 5.0 * (n * lambda).sqrt(), "{general}: {happened} events");
    }
}

#[test]
fn summary_json_reports_the_cap_only_for_capped_rules() {
    let s = scenario(false);
    let run = pointsim::simulate(&s, s.seed, &|_| {});
    let v: serde_json::Value =
        serde_json::from_slice(&pointsim::output::summary_json(&s, s.seed, &run.summary, 0)).unwrap();
    let cap = &v["rules"]["fine"]["cap"];
    assert_eq!(cap["max_per_year"], 4);
    let withheld = cap["events_withheld_expected"].as_f64().unwrap();
    assert!((cap["points_withheld_expected"].as_f64().unwrap() - (-3.0 * withheld)).abs() < 1e-6);
    assert!(
        (v["coverage"]["points_withheld_by_caps_expected"].as_f64().unwrap() - 3.0 * withheld).abs() < 1e-6
    );
    // without caps: no such keys
    let text = "[scenario]\nname = \"c\"\nsteps = 10\n[score]\nstart = 0\n[population]\nsize = 10\n\
                [[rule]]\nid = \"x\"\npoints = 1\nrate = 1\n";
    let s = parse(text, "c.toml").unwrap().scenario;
    let run = pointsim::simulate(&s, 1, &|_| {});
    let v: serde_json::Value =
        serde_json::from_slice(&pointsim::output::summary_json(&s, 1, &run.summary, 0)).unwrap();
    assert!(
        v["rules"]["x"].get("cap").is_none()
            && v["coverage"].get("points_withheld_by_caps_expected").is_none()
    );
}

#[test]
fn withheld_totals_do_not_depend_on_threads() {
    let s = scenario(true);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let a = one.install(|| pointsim::simulate(&s, 3, &|_| {}));
    let b = two.install(|| pointsim::simulate(&s, 3, &|_| {}));
    assert_eq!(a.output.totals.rules, b.output.totals.rules);
}
