//! Where a subject's events come from: the random streams of a run, or the
//! script of a rule test.

use super::rng::{Purpose, Stream};
use crate::scenario::{Appeal, ScriptedEvent};

/// A source of rule events and of the outcomes of their records.
pub(crate) trait Source {
    /// Scripted events may name a rule the subject's state rules out (a perk
    /// it lacks, a cap reached): the engine then skips them and says why.
    const SCRIPTED: bool;

    /// The time of the next event after `t`, the rules firing at a total rate
    /// of `total` per step; infinity when there is none.
    fn next_time(&mut self, t: f64, total: f64) -> f64;

    /// The rule of the event at the time last returned: `choose(u)` for a
    /// uniform `u` in `[0, 1)` drawn from the event stream, or the scripted rule.
    fn rule(&mut self, choose: impl FnOnce(f64) -> usize) -> usize;

    /// Whether that event's record is wrongful, for a rule with `error_rate`.
    fn wrongful(&mut self, error_rate: f64) -> bool;

    /// For a wrongful record under `appeal`: `None` if no appeal is filed,
    /// else whether it will be won.
    fn appeal(&mut self, appeal: Appeal) -> Option<bool>;
}

/// The random streams of a run: event times and rules from one stream,
/// record outcomes from another, so the two never shift each other.
pub(crate) struct Random {
    events: Stream,
    records: Stream,
}

impl Random {
    /// The streams of `subject` under `seed`.
    pub fn new(seed: u64, subject: u64) -> Self {
        Random {
            events: Stream::new(seed, subject, Purpose::Events),
            records: Stream::new(seed, subject, Purpose::Records),
        }
    }
}

impl Source for Random {
    const SCRIPTED: bool = false;

    #[inline]
    fn next_time(&mut self, t: f64, total: f64) -> f64 {
        if total > 0.0 { t + self.events.exp1() / total } else { f64::INFINITY }
    }

    #[inline]
    fn rule(&mut self, choose: impl FnOnce(f64) -> usize) -> usize {
        choose(self.events.uniform())
    }

    #[inline]
    fn wrongful(&mut self, error_rate: f64) -> bool {
        error_rate > 0.0 && self.records.uniform() < error_rate
    }

    #[inline]
    fn appeal(&mut self, appeal: Appeal) -> Option<bool> {
        (self.records.uniform() < appeal.rate).then(|| self.records.uniform() < appeal.success)
    }
}

/// The rule with cumulative rate above `u * total` (inversion), skipping
/// rules at rate 0 (rounding can leave `u * total` at the sum: the last rule
/// with a positive rate is taken then).
pub(crate) fn pick(rates: &[f64], total: f64, u: f64) -> usize {
    let target = u * total;
    let mut acc = 0.0;
    let mut last = 0;
    for (r, &x) in rates.iter().enumerate() {
        if x <= 0.0 {
            continue;
        }
        acc += x;
        last = r;
        if target < acc {
            return r;
        }
    }
    last
}

/// A rule test's events: the `k`-th of `n` events of step `s` happens at
/// time `s + (k + 1) / (n + 1)`, so events keep their written order within a step.
pub(crate) struct Script<'a> {
    events: &'a [ScriptedEvent],
    /// Each event's time.
    times: Vec<f64>,
    next: usize,
}

impl<'a> Script<'a> {
    /// The script of `events`, sorted by step.
    pub fn new(events: &'a [ScriptedEvent]) -> Self {
        let mut times = Vec::with_capacity(events.len());
        let mut i = 0;
        while i < events.len() {
            let n = events[i..].iter().take_while(|e| e.step == events[i].step).count();
            let step = f64::from(events[i].step);
            times.extend((0..n).map(|k| step + (k + 1) as f64 / (n + 1) as f64));
            i += n;
        }
        Script { events, times, next: 0 }
    }

    fn current(&self) -> Option<&ScriptedEvent> {
        self.next.checked_sub(1).and_then(|i| self.events.get(i))
    }
}

impl Source for Script<'_> {
    const SCRIPTED: bool = true;

    fn next_time(&mut self, _t: f64, _total: f64) -> f64 {
        self.times.get(self.next).copied().unwrap_or(f64::INFINITY)
    }

    fn rule(&mut self, _choose: impl FnOnce(f64) -> usize) -> usize {
        self.next += 1;
        self.current().map_or(0, |e| e.rule)
    }

    fn wrongful(&mut self, _error_rate: f64) -> bool {
        self.current().is_some_and(|e| e.wrongful)
    }

    fn appeal(&mut self, _appeal: Appeal) -> Option<bool> {
        self.current().and_then(|e| e.appeal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_events_keep_their_order_within_a_step() {
        let e = |step, rule| ScriptedEvent { step, rule, wrongful: false, appeal: None };
        let events = [e(2, 0), e(2, 1), e(5, 2)];
        let mut s = Script::new(&events);
        let mut seen = Vec::new();
        loop {
            let t = s.next_time(0.0, 0.0);
            if t.is_infinite() {
                break;
            }
            seen.push((t, s.rule(|_| usize::MAX)));
        }
        assert_eq!(seen, [(2.0 + 1.0 / 3.0, 0), (2.0 + 2.0 / 3.0, 1), (5.5, 2)]);
    }

    #[test]
    fn pick_inverts_the_cumulative_rates() {
        let rates = [0.5, 0.0, 1.5];
        assert_eq!(pick(&rates, 2.0, 0.0), 0);
        assert_eq!(pick(&rates, 2.0, 0.249), 0);
        assert_eq!(pick(&rates, 2.0, 0.25), 2);
        assert_eq!(pick(&rates, 2.0, 0.999_999), 2);
    }
}
