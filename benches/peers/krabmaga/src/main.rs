//! The pointsim reference workload as a krABMaga 0.6 agent-based model.
//!
//! The scenario comes from `pointsim::workload::reference`, so it is the one
//! the engine benchmarks run. Each agent, each step, draws its number of
//! events as Poisson(total rate at its group and tier) by inversion, picks
//! the rule of each event by its share of the rate, applies the points with
//! the clamp, and re-evaluates its tier at the end of the step (the
//! superposition of the rules' Poisson processes, the same distribution as
//! one draw per rule). Written against the krABMaga 0.6.1 API
//! (`Agent::step(&mut self, &mut dyn State)`, `Schedule::schedule_repeating`,
//! `Schedule::step`); not built in pointsim's CI.
//!
//! ```text
//! cargo run --release -- 10000 365    # subjects, steps
//! ```

use std::any::Any;
use std::time::Instant;

use krabmaga::engine::agent::Agent;
use krabmaga::engine::schedule::Schedule;
use krabmaga::engine::state::State;
use pointsim::scenario::StepUnit;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Per (group, tier): total expected events per step, P(no event), cumulative rates.
struct Table {
    total: f64,
    p0: f64,
    cum: Vec<f64>,
}

/// The model state: the compiled scenario and the running totals.
struct Model {
    subjects: u64,
    start: i64,
    lo: i64,
    hi: i64,
    tier_min: Vec<i64>,
    points: Vec<i64>,
    shares: Vec<f64>,
    tables: Vec<Vec<Table>>,
    events: u64,
    score_sum: i64,
}

impl Model {
    fn new(subjects: u64, steps: u32) -> Self {
        let s = pointsim::workload::reference(subjects, 20, StepUnit::Day, steps);
        let years = s.step.years();
        let tables = s
            .groups
            .iter()
            .map(|g| {
                (0..s.tiers.len())
                    .map(|k| {
                        let mut acc = 0.0;
                        let cum = s
                            .rules
                            .iter()
                            .enumerate()
                            .map(|(i, r)| {
                                acc += r.rate * g.rate_multiplier[i] * r.rate_by_tier[k] * years;
                                acc
                            })
                            .collect();
                        Table { total: acc, p0: (-acc).exp(), cum }
                    })
                    .collect()
            })
            .collect();
        Model {
            subjects,
            start: s.score.start,
            lo: s.score.min.unwrap_or(i64::MIN),
            hi: s.score.max.unwrap_or(i64::MAX),
            tier_min: s.tiers.iter().map(|t| t.min).collect(),
            points: s.rules.iter().map(|r| r.points).collect(),
            shares: s.groups.iter().map(|g| g.share).collect(),
            tables,
            events: 0,
            score_sum: 0,
        }
    }

    fn tier_of(&self, score: i64) -> usize {
        self.tier_min.iter().rposition(|&m| score >= m).unwrap_or(0)
    }
}

/// One subject.
#[derive(Clone)]
struct Subject {
    group: usize,
    tier: usize,
    score: i64,
    rng: Pcg64Mcg,
}

impl Agent for Subject {
    fn step(&mut self, state: &mut dyn State) {
        let model = state.as_any_mut().downcast_mut::<Model>().expect("the pointsim model");
        let table = &model.tables[self.group][self.tier];
        let u: f64 = self.rng.gen();
        let (mut k, mut p) = (0u32, table.p0);
        let mut cdf = p;
        while u >= cdf && p > 0.0 {
            k += 1;
            p *= table.total / f64::from(k);
            cdf += p;
        }
        for _ in 0..k {
            let x = self.rng.gen::<f64>() * table.total;
            let rule = table.cum.partition_point(|&c| c <= x).min(table.cum.len() - 1);
            self.score = (self.score + model.points[rule]).clamp(model.lo, model.hi);
            model.events += 1;
        }
        self.tier = model.tier_of(self.score);
        model.score_sum += self.score;
    }
}

impl State for Model {
    fn init(&mut self, schedule: &mut Schedule) {
        let mut next = 0u64;
        for (group, share) in self.shares.clone().into_iter().enumerate() {
            let size = if group + 1 == self.shares.len() {
                self.subjects - next
            } else {
                (share * self.subjects as f64) as u64
            };
            for id in next..next + size {
                let subject = Subject {
                    group,
                    tier: self.tier_of(self.start),
                    score: self.start,
                    rng: Pcg64Mcg::seed_from_u64(42 ^ id.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
                };
                schedule.schedule_repeating(Box::new(subject), 0.0, 0);
            }
            next += size;
        }
    }

    fn before_step(&mut self, _: &mut Schedule) {
        self.score_sum = 0;
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn as_state_mut(&mut self) -> &mut dyn State {
        self
    }

    fn as_state(&self) -> &dyn State {
        self
    }
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u64>().expect("a number"));
    let subjects = args.next().unwrap_or(10_000);
    let steps = args.next().unwrap_or(365) as u32;
    let mut model = Model::new(subjects, steps);
    let mut schedule = Schedule::new();
    let t0 = Instant::now();
    model.init(&mut schedule);
    let t1 = Instant::now();
    for _ in 0..steps {
        schedule.step(&mut model);
    }
    let run = t1.elapsed().as_secs_f64();
    println!(
        "{{\"config\":\"krabmaga\",\"subjects\":{subjects},\"rules\":20,\"steps\":{steps},\"threads\":1,\
         \"setup_s\":{},\"run_s\":{run},\"subject_steps_per_s\":{},\"events\":{},\"final_mean\":{}}}",
        (t1 - t0).as_secs_f64(),
        (subjects * u64::from(steps)) as f64 / run,
        model.events,
        model.score_sum as f64 / subjects as f64,
    );
}
