"""The pointsim reference workload as a Mesa 3.x agent-based model (a peer for comparison).

Reads the scenario that `cargo bench --bench engine -- --dump-workload N` prints
(the same `pointsim::workload::reference` the engine benchmarks run), then steps
every subject through every step the usual ABM way: each agent, each step, draws
its number of events as Poisson(total rate at its group and tier) by inversion,
picks the rule of each event by its share of the rate, applies the points with
the clamp, and re-evaluates its tier at the end of the step. (The superposition
of the rules' Poisson processes: the same distribution as one draw per rule.)
No caps or recovery: the reference workload has none.

    python mesa_model.py workload.json --subjects 10000 --steps 365

prints one JSON line with the time and subject-steps per second.
"""

import argparse
import bisect
import json
import math
import time

import mesa


class Subject(mesa.Agent):
    """One subject: a score, a group and a tier."""

    def __init__(self, model, group):
        super().__init__(model)
        self.group = group
        self.score = model.start
        self.tier = model.tier_of(self.score)

    def step(self):
        m = self.model
        total, p0, cum = m.tables[self.group][self.tier]
        # Poisson(total) by inversion from one uniform
        u = self.random.random()
        k, p, cdf = 0, p0, p0
        while u >= cdf and p > 0.0:
            k += 1
            p *= total / k
            cdf += p
        for _ in range(k):
            rule = min(bisect.bisect_right(cum, self.random.random() * total), len(cum) - 1)
            self.score = min(max(self.score + m.points[rule], m.lo), m.hi)
            m.events += 1
        self.tier = m.tier_of(self.score)


class SocialCredit(mesa.Model):
    """All subjects of the scenario; one model step is one scenario step."""

    def __init__(self, scenario, subjects, seed=42):
        super().__init__(seed=seed)
        years = {"day": 1 / 365, "week": 1 / 52, "month": 1 / 12}[scenario["step"]]
        score = scenario["score"]
        self.start, self.lo, self.hi = score["start"], score["min"], score["max"]
        self.tier_min = [t["min"] for t in scenario["tiers"]]
        rules = scenario["rules"]
        self.points = [r["points"] for r in rules]
        self.events = 0
        # per group and tier: total expected events per step, P(no event), cumulative rates
        self.tables = []
        for g in scenario["groups"]:
            per_tier = []
            for k in range(len(self.tier_min)):
                rates = [r["rate"] * g["rate_multiplier"][i] * r["rate_by_tier"][k] * years for i, r in enumerate(rules)]
                cum, acc = [], 0.0
                for x in rates:
                    acc += x
                    cum.append(acc)
                per_tier.append((acc, math.exp(-acc), cum))
            self.tables.append(per_tier)
        sizes = [int(g["share"] * subjects) for g in scenario["groups"]]
        sizes[0] += subjects - sum(sizes)
        for g, size in enumerate(sizes):
            for _ in range(size):
                Subject(self, g)

    def tier_of(self, score):
        return max(bisect.bisect_right(self.tier_min, score) - 1, 0)

    def step(self):
        self.agents.do("step")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", help="JSON from `cargo bench --bench engine -- --dump-workload N`")
    ap.add_argument("--subjects", type=int, default=10_000)
    ap.add_argument("--steps", type=int, help="default: the scenario's steps")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    with open(args.scenario) as f:
        scenario = json.load(f)
    steps = args.steps or scenario["steps"]
    t0 = time.perf_counter()
    model = SocialCredit(scenario, args.subjects, args.seed)
    t1 = time.perf_counter()
    for _ in range(steps):
        model.step()
    t2 = time.perf_counter()
    scores = [a.score for a in model.agents]
    print(json.dumps({
        "config": "mesa",
        "mesa": mesa.__version__,
        "subjects": args.subjects,
        "rules": len(scenario["rules"]),
        "steps": steps,
        "threads": 1,
        "setup_s": t1 - t0,
        "run_s": t2 - t1,
        "subject_steps_per_s": args.subjects * steps / (t2 - t1),
        "events": model.events,
        "events_per_s": model.events / (t2 - t1),
        "final_mean": sum(scores) / len(scores),
    }))


if __name__ == "__main__":
    main()
