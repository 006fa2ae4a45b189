//! The language of a report's own words: English, or Simplified Chinese
//! (`--lang zh-CN`, issue 11). The scenario's text (names, labels,
//! descriptions, sources), numbers and identifiers are shown as written.
//!
//! The English text is the key: `report.html.j2` writes `t("English")` (or
//! `th("…")` for our own words with markup) and gets the English back, or its
//! entry in [`ZH_CN`]; `{name}` placeholders are filled after translation.

use std::str::FromStr;

/// A language pointsim writes its reports in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// Its BCP 47 tag, as `--lang` takes it and `<html lang>` says it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// `en` in this language: itself in English, its [`ZH_CN`] entry in
    /// Chinese (the English when it has none).
    pub fn tr(self, en: &str) -> &str {
        match self {
            Lang::En => en,
            Lang::ZhCn => ZH_CN.iter().find(|(e, _)| *e == en).map_or(en, |(_, z)| z),
        }
    }

    /// Marks an English text that is translated later with [`tr`](Self::tr)
    /// (a label kept in a table, say), so the test that every chart word has
    /// a translation finds it; returns `en` unchanged.
    pub const fn key(en: &'static str) -> &'static str {
        en
    }

    /// The scenario's step unit in this language, singular and plural:
    /// `("day", "days")` in English, `("天", "天")` in Chinese.
    pub fn units(self, step: &str) -> (String, String) {
        match self {
            Lang::En => (step.to_owned(), format!("{step}s")),
            Lang::ZhCn => {
                let plural = match step {
                    "day" => "days",
                    "week" => "weeks",
                    "month" => "months",
                    _ => "years",
                };
                let z = self.tr(plural).to_owned();
                (z.clone(), z)
            }
        }
    }

    /// [`tr`](Self::tr), then each `{name}` replaced by its value.
    pub fn fill(self, en: &str, values: &[(&str, &str)]) -> String {
        let mut s = self.tr(en).to_owned();
        for (k, v) in values {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
}

/// A `--lang` value that is neither `en` nor `zh-CN`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`: pointsim writes reports in `en` and `zh-CN`")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        match s {
            "en" => Ok(Lang::En),
            "zh-CN" | "zh-cn" | "zh" => Ok(Lang::ZhCn),
            other => Err(UnknownLang(other.to_owned())),
        }
    }
}

/// Every English text of the report with its Simplified Chinese, English first.
pub const ZH_CN: &[(&str, &str)] = &[
    ("pointsim · simulation report", "pointsim · 模拟报告"),
    ("pointsim report", "pointsim 报告"),
    ("Seed", "随机种子"),
    ("Contents", "目录"),
    ("Results", "结果"),
    ("Lists", "名单"),
    ("Appeals", "申诉"),
    ("By kind", "按主体类型"),
    ("Disparity", "群体差异"),
    ("Tier mobility", "等级流动"),
    ("Recovery", "信用修复"),
    ("Records", "记录"),
    ("Charts", "图表"),
    ("Rules", "规则"),
    ("Tiers", "等级"),
    ("Perks", "奖励措施"),
    ("Restrictions", "限制措施"),
    ("Groups", "群体"),
    ("Assumptions", "假设"),
    ("Sources", "来源"),
    ("Reproduce", "复现"),
    ("How to read this report", "如何阅读本报告"),
    ("Results at the end of the run", "运行结束时的结果"),
    ("Subjects", "主体数"),
    ("Mean score", "平均分"),
    ("Wrongful records and appeals", "错误记录与申诉"),
    ("By kind of subject", "按主体类型"),
    ("Disparity between groups", "群体之间的差异"),
    ("Records by category and agency", "按类别和机构统计的记录"),
    ("Reproduce this run", "复现本次运行"),
    ("pointsim version", "pointsim 版本"),
    ("Scenario file", "情景文件"),
    ("List", "名单"),
    ("id", "标识"),
    ("On it at the end", "结束时在名单上"),
    ("Ever listed", "曾被列入"),
    ("Listings", "列入次数"),
    ("Caused by a wrongful record", "由错误记录导致"),
    ("Inherited in a household", "由家庭成员连带"),
    ("Wrongly listed at the end", "结束时被错误列入"),
    ("Time listed", "在名单上的时间"),
    ("mean", "平均"),
    ("median", "中位数"),
    ("90th pct.", "第 90 百分位"),
    ("Rule", "规则"),
    ("Wrongful records", "错误记录"),
    ("Appeals filed", "提出的申诉"),
    ("Appeals won", "胜诉的申诉"),
    ("started in ↓ · ended in →", "起始等级 ↓ · 结束等级 →"),
    ("subjects", "主体数"),
    ("Category", "类别"),
    ("Agency", "机构"),
    ("Events", "事件数"),
    ("Points", "分数"),
    ("Rate / year", "每年发生率"),
    ("Cap / year", "每年上限"),
    ("Source", "来源"),
    ("Tier", "等级"),
    ("Label", "名称"),
    ("From score", "起始分数"),
    ("Scores", "分数范围"),
    ("Perk", "奖励措施"),
    ("Who gets it", "适用对象"),
    ("Restriction", "限制措施"),
    ("Who is subject to it", "适用对象"),
    ("Group", "群体"),
    ("Share", "占比"),
    ("Size", "人数"),
    ("Rate multipliers (other than 1)", "发生率倍数（不为 1 的）"),
    ("none", "无"),
    ("The scenario has no rules.", "该情景没有规则。"),
    ("The scenario lists no sources.", "该情景没有列出来源。"),
    ("The scenario file marks no item", "情景文件没有将任何项目标记为"),
    (
        "The same command, scenario file and pointsim version give the same numbers, byte for byte.",
        "相同的命令、情景文件和 pointsim 版本会逐字节地给出相同的数字。",
    ),
    ("Figure", "图"),
    (
        "The same figures as the results table, for each kind of subject at the end of the run.",
        "与结果表相同的数字，按运行结束时的每类主体列出。",
    ),
    ("Tiers nobody started in have no row.", "没有人起始于其中的等级不单列一行。"),
    (
        "Events recorded and points applied over the whole run, summed over the rules of each record category and each submitting agency (the points actually applied, after the score’s clamp).",
        "整个运行期间记录的事件和实际加减的分数，按记录类别和提交机构汇总（即经过分数上下限截断后实际加减的分数）。",
    ),
    (
        "Each rule is a recorded behaviour that adds or removes points. Events happen at random at the given rate per subject per year (times any group multiplier), at most “cap” times per scenario year.",
        "每条规则是一种被记录的行为，会增加或扣除分数。事件按每个主体每年给定的发生率随机发生（再乘以所在群体的倍数），每个情景年最多发生“上限”次。",
    ),
    ("no source given", "未给出来源"),
    ("assumed", "假设"),
    ("marked assumed = true in the scenario file", "情景文件中标记为 assumed = true"),
    ("below 0.8", "低于 0.8"),
    ("the whole 95% interval is below the four-fifths threshold", "整个 95% 区间都低于五分之四阈值"),
    ("Population", "人口"),
    ("Simulated time", "模拟时长"),
    ("Score", "分数"),
    ("Perk access", "奖励措施获得情况"),
    ("Under restriction", "受限制"),
    ("On list", "在名单上"),
    ("days", "天"),
    ("weeks", "周"),
    ("months", "月"),
    ("years", "年"),
    ("everyone", "全体"),
    ("suppressed", "已隐藏"),
    ("perk", "奖励措施"),
    ("restriction", "限制措施"),
    (
        "Share of subjects in each tier, with each perk and under each restriction",
        "各等级的主体占比，以及持有各项奖励措施、受各项限制措施的占比",
    ),
    (", and on each list", "，以及在各名单上的占比"),
    (" after the last step", "（最后一步之后）"),
    (", for everyone and for each group", "，分全体与各群体列出"),
    (".", "。"),
    (
        "Who was on each list. A listing is one entry onto the list (a subject can be listed more than once). Time listed adds up every listing of a subject who was ever listed, in {unit}; listings still running at the end count up to the last step.",
        "谁在每个名单上。一次列入是进入名单一次（一个主体可能被多次列入）。在名单上的时间把曾被列入的主体的每次列入加总，单位为{unit}；到结束时仍在进行的列入计算到最后一步。",
    ),
    (
        " Points given or taken on listing, over everyone: {points}.",
        "列入时加减的分数（全体合计）：{points}。",
    ),
    ("Time listed ({unit})", "在名单上的时间（{unit}）"),
    (
        "Records made on subjects who did nothing (the rule’s error rate), the appeals filed against them (share of the wrongful records) and the appeals won (share of those filed). A won appeal gives the points back and ends any listing the record caused.",
        "对什么也没做的主体作出的记录（规则的错误率）、针对这些记录提出的申诉（占错误记录的比例）以及胜诉的申诉（占已提出申诉的比例）。申诉胜诉会退回分数，并结束该记录导致的任何列入。",
    ),
    (" Points given back by won appeals: {points}.", "胜诉申诉退回的分数：{points}。"),
    (
        "For each perk, a group’s share holding it divided by the highest share of any group; for each restriction, the lowest share of any group under it divided by the group’s share. 1 means as well off as the best-off group. Each ratio is followed by its 95% interval (the Katz log interval of a ratio of two binomial proportions). A ratio fails the four-fifths rule of thumb for adverse impact, and is highlighted, only when its whole interval lies below 0.8 and both groups compared have at least 20 subjects",
        "对每项奖励措施：一个群体的持有比例除以所有群体中的最高比例；对每项限制措施：所有群体中受限制的最低比例除以该群体的比例。1 表示与处境最好的群体一样好。每个比值后面是它的 95% 区间（两个二项比例之比的 Katz 对数区间）。只有当整个区间都低于 0.8、且比较的两个群体都至少有 20 个主体时，比值才算不符合不利影响的五分之四经验法则，并被突出显示",
    ),
    (" (1 ratio is flagged here)", "（此处有 1 个比值被标记）"),
    (" ({n} ratios are flagged here)", "（此处有 {n} 个比值被标记）"),
    (" (no ratio is flagged here)", "（此处没有比值被标记）"),
    (
        ": a tiny count gives a wide interval, not a flag. Only groups of a kind a perk or restriction applies to are compared (n/a: it does not apply to that group). Empty groups show -, and suppressed groups take no part in the comparison.",
        "：很小的计数只给出很宽的区间，而不是标记。只比较奖励或限制措施适用的主体类型的群体（n/a：不适用于该群体）。空群体显示为 -，被隐藏的群体不参与比较。",
    ),
    (
        "Where subjects ended up: each row is the tier they started in (every member of a group starts at the group’s start score), each column the tier they are in after the last step, with the share of the row in brackets; the diagonal, in bold, are those who stayed.",
        "主体最终所在的位置：每一行是起始等级（一个群体的每个成员都从该群体的起始分数开始），每一列是最后一步之后所在的等级，括号内是占该行的比例；粗体的对角线是留在原等级的主体。",
    ),
    (
        " By the end, {up} of all subjects are in a higher tier than they started in and {down} in a lower one.",
        "到结束时，全部主体中有 {up} 处于比起始更高的等级，{down} 处于更低的等级。",
    ),
    (
        "{n} subjects had at least one negative record. By the end, {k} of them ({share}) were back at their start score",
        "{n} 个主体至少有一条负面记录。到结束时，其中 {k} 个（{share}）回到了起始分数",
    ),
    (
        "; it took a median of {p50} {unit} from the first negative record (mean {mean}, 90th percentile {p90})",
        "；从第一条负面记录起，用时中位数为 {p50} {unit}（平均 {mean}，第 90 百分位 {p90}）",
    ),
    (" Nobody recovered.", "没有人恢复。"),
    ("{n} synthetic subjects", "{n} 个合成主体"),
    ("{steps} {unit} ({years} years)", "{steps} {unit}（{years} 年）"),
    ("everyone starts at {start}", "所有人从 {start} 分开始"),
    (", kept within {lo}–{hi}", "，保持在 {lo}–{hi} 之间"),
    (", never below {lo}", "，不低于 {lo}"),
    (", never above {hi}", "，不高于 {hi}"),
    (
        "lost points come back after {n} {unit} with no negative record",
        "连续 {n} {unit}没有负面记录后，失去的分数恢复",
    ),
    ("scores drift {d} points per {unit} toward the start score", "分数每{unit}向起始分数回归 {d} 分"),
    ("none: lost points never come back", "无：失去的分数不会恢复"),
    ("; ", "；"),
    (
        "This is a simulation of a <strong>synthetic population</strong>: every subject is generated at random from the scenario’s parameters. <strong>No personal data</strong> about any real person was used or produced.",
        "这是对一个<strong>合成人口</strong>的模拟：每个主体都是根据情景参数随机生成的。没有使用或产生任何真实个人的<strong>个人数据</strong>。",
    ),
    (
        "The numbers show how the scoring rules, as written in the scenario file, behave in aggregate under the stated assumptions. They are <strong>not a basis for decisions about real people</strong>, and not a measurement of any real city or group.",
        "这些数字显示的是情景文件所写的评分规则在所述假设下的总体表现。它们<strong>不能作为对真实个人作出决定的依据</strong>，也不是对任何真实城市或群体的测量。",
    ),
    (
        "The scenario file marks these items <code>assumed = true</code>: their values are assumptions, not sourced facts. Results that depend on them are only as good as the assumptions.",
        "情景文件将以下项目标记为 <code>assumed = true</code>：它们的取值是假设，而不是有来源的事实。依赖它们的结果只和这些假设一样可靠。",
    ),
    (
        "The scenario file marks no item <code>assumed = true</code>.",
        "情景文件没有将任何项目标记为 <code>assumed = true</code>。",
    ),
    ("Dated changes", "按日期的政策变更"),
    (
        "The rules change during the run: each change applies from the start of its step, and everything before it is as without it. Figures at a step are read with the rules in force then; the score-over-time chart marks each change.",
        "规则在运行期间发生变化：每项变更从其所在步骤开始生效，此前的一切与没有该变更时相同。某一步的数字按当时有效的规则解读；分数随时间变化图标出了每项变更。",
    ),
    ("from", "起始"),
    ("change", "变更"),
    ("sets", "设置"),
    ("source", "来源"),
    // the run charts (charts::chart_texts)
    ("final scores, {w}-point bins", "最终分数，每 {w} 分一组"),
    ("start score {s}", "起始分数 {s}"),
    (
        "logarithmic share axis, so thin tails show: each gridline is ten times the one below",
        "占比轴为对数刻度，细小的尾部也能看见：每条网格线是下一条的十倍",
    ),
    ("Final score distribution", "最终分数分布"),
    (
        "; the share axis is logarithmic, since on a linear one the thin tails (bars under 2% of the tallest, together at least 0.5% of subjects) would not show",
        "；占比轴为对数刻度，因为在线性刻度上细小的尾部（低于最高柱 2% 的柱，合计至少 0.5% 的对象）看不出来",
    ),
    (
        "Share of all {n} subjects in each {w}-point band of final score after {steps} {units}, over the score ranges of the tiers (shaded) and the start score {start} (dashed line){log}.",
        "{steps} {units}后，全部 {n} 个对象在每个 {w} 分区间的最终分数占比，背景为各等级的分数范围（阴影），虚线为起始分数 {start}{log}。",
    ),
    ("final score (points)", "最终分数（分）"),
    ("share of subjects (%, logarithmic)", "对象占比（%，对数）"),
    ("share of subjects (%)", "对象占比（%）"),
    ("start {s}", "起始 {s}"),
    ("tiers (highest first) · share at the end", "等级（由高到低）· 期末占比"),
    ("1st–99th percentile", "第 1–99 百分位"),
    ("5th–95th percentile", "第 5–95 百分位"),
    ("10th–90th percentile", "第 10–90 百分位"),
    ("25th–75th percentile (middle half)", "第 25–75 百分位（中间一半）"),
    ("tier threshold", "等级门槛"),
    (
        "no tier threshold in this range: every score shown is in tier {tier}",
        "此范围内没有等级门槛：图中所有分数都属于等级 {tier}",
    ),
    ("dated change", "定期变更"),
    ("Scores over time", "分数随时间变化"),
    ("{units} since start", "自开始以来的{units}"),
    (
        "Median score of all subjects {unit} by {unit} over {steps} {units}, with the bands that hold the middle 50%, 80%, 90% and 98% of subjects, against the tier thresholds.",
        "{steps} {units}内逐{unit}的全部对象分数中位数，以及容纳中间 50%、80%、90% 和 98% 对象的区间，并标出等级门槛。",
    ),
    ("{label} ({unit} {at})", "{label}（第 {at} {unit}）"),
    (" Vertical lines mark the dated changes: {list}.", " 竖线标出定期变更：{list}。"),
    (", ", "、"),
    ("score (points)", "分数（分）"),
    ("all subjects", "全部对象"),
    (
        "zoomed: tier {name} holds at least {share} throughout and is left out (outlined swatch), so the other tiers show",
        "已放大：等级 {name} 始终至少占 {share}，未画入（空心色块），以便看清其他等级",
    ),
    ("share of subjects outside tier {name} (%)", "等级 {name} 以外的对象占比（%）"),
    ("Tier shares over time", "等级占比随时间变化"),
    (
        "; tier {name}, which holds at least {share} of subjects throughout, is left out of the stack and the axis is zoomed to the others",
        "；等级 {name} 始终至少占对象的 {share}，未画入堆叠，纵轴放大显示其他等级",
    ),
    (
        "Share of all subjects in each tier {unit} by {unit} over {steps} {units}, stacked with the highest tier on top; the legend gives each tier's final share{zoomed}.",
        "{steps} {units}内逐{unit}的全部对象各等级占比，堆叠显示，最高等级在上；图例给出各等级的期末占比{zoomed}。",
    ),
    ("{name} (axis zoomed to 0–{top}%)", "{name}（纵轴放大到 0–{top}%）"),
    ("{name} (logarithmic axis, so small shares show)", "{name}（对数纵轴，小占比也看得见）"),
    ("perks: share who hold each", "优待：享有各项的占比"),
    ("restrictions: share under each", "限制：受各项限制的占比"),
    ("everyone, perk (grey % under each label)", "全体，优待（标签下灰色为百分比）"),
    ("everyone, restriction", "全体，限制"),
    ("everyone (tick; grey % under each label)", "全体（刻线；标签下灰色为百分比）"),
    ("{g} (suppressed, no bar)", "{g}（已隐藏，无柱）"),
    ("{g} (empty group, no bar)", "{g}（空组，无柱）"),
    ("hatched: restriction", "斜线：限制"),
    ("Perks and restrictions by group, at the end", "期末各群体的优待与限制"),
    ("each population group (bars) and of everyone (black tick)", "各人口群体（柱）及全体（黑色刻线）"),
    (
        "Share of {who} holding each perk and under each restriction after {steps} {units}; restrictions are hatched and drawn in their own panel{note}.",
        "{steps} {units}后，{who}享有各项优待和受各项限制的占比；限制以斜线画在单独的面板中{note}。",
    ),
    ("groups (subjects)", "群体（对象数）"),
    ("nobody at the end: no bar to draw", "期末无人：没有可画的柱"),
    ("everyone: Gini {g}", "全体：基尼系数 {g}"),
    ("{name}: Gini {g}", "{name}：基尼系数 {g}"),
    ("{name}: suppressed", "{name}：已隐藏"),
    ("{name}: empty group", "{name}：空组"),
    ("perfect equality", "完全平等"),
    (
        "Lorenz gap: how far each curve lies below the line of equality (0 is perfect equality); every Gini is below 0.05, so the curves themselves would lie on the diagonal",
        "洛伦兹差距：各曲线低于平等线的程度（0 为完全平等）；所有基尼系数都低于 0.05，曲线本身会与对角线重合",
    ),
    ("{kind}: {label}", "{kind}：{label}"),
    ("four-fifths rule (0.8)", "五分之四规则（0.8）"),
    ("95% interval of the ratio", "比率的 95% 区间"),
    (
        "flagged: the whole interval is below 0.8 (both groups at least 20 subjects)",
        "已标记：整个区间都低于 0.8（两个群体都至少有 20 个对象）",
    ),
    (
        "a ratio below 0.8 with grey figures is not flagged: its interval reaches 0.8, or a group has fewer than 20 subjects",
        "灰色数字表示比率虽低于 0.8 但未标记：其区间达到 0.8，或某个群体不足 20 个对象",
    ),
    ("n/a: the item does not apply to the group", "n/a：该项不适用于该群体"),
    ("n/a", "n/a"),
    ("score.min {s}", "score.min {s}"),
    ("the lowest observed score {s}", "观察到的最低分数 {s}"),
    ("share of total score above {s}", "高于 {s} 的分数占总分的比例"),
    (
        "; right, each group's perk share divided by the best-off group's and, for restrictions, the least-burdened group's share divided by the group's, with its 95% interval; a ratio is outlined in red (fails the four-fifths rule) only when its whole interval is below 0.8 and both groups have at least 20 subjects, and groups an item does not apply to are marked n/a",
        "；右侧为各群体的优待占比除以最优群体的占比，限制则为负担最轻群体的占比除以该群体的占比，并给出其 95% 区间；只有当整个区间都低于 0.8、且两个群体都至少有 20 个对象时，比率才以红框标出（不符合五分之四规则）；该项不适用的群体标为 n/a",
    ),
    ("Lorenz curves", "洛伦兹曲线"),
    (
        "How far the Lorenz curves lie below the line of equality (zoomed, since every Gini is below 0.05)",
        "洛伦兹曲线低于平等线的程度（已放大，因为所有基尼系数都低于 0.05）",
    ),
    (
        "{what} of final scores, shifted so that {base} counts as 0, for everyone{each} with Gini coefficients in the legend{ratios}{note}.",
        "最终分数的{what}，平移使 {base} 记为 0，对象为全体{each}，图例给出基尼系数{ratios}{note}。",
    ),
    (" and each group", "及各群体"),
    ("Inequality of final scores and of access", "最终分数与享有机会的不平等"),
    ("Lorenz curve of final scores", "最终分数的洛伦兹曲线"),
    ("Lorenz gap, zoomed: every Gini is below 0.05", "洛伦兹差距（已放大）：所有基尼系数都低于 0.05"),
    ("equality minus Lorenz curve (points of %)", "平等线减洛伦兹曲线（百分点）"),
    ("share of subjects, lowest first (%)", "对象占比，由低到高（%）"),
    ("access ratio to the best-off group", "与最优群体的享有比率"),
    ("ratio (1 = as well off as the best-off group)", "比率（1 = 与最优群体相同）"),
    ("nobody is under it", "无人受此限制"),
    ("nobody holds it", "无人享有"),
    ("lowest ratio of any group", "各群体中的最低比率"),
    ("its 95% interval", "其 95% 区间"),
    (
        "strip along the bottom: some group flagged (its whole interval below 0.8, both groups at least 20 subjects)",
        "底部色条：有群体被标记（其整个区间都低于 0.8，两个群体都至少有 20 个对象）",
    ),
    ("final ratio flagged", "期末比率已标记"),
    (
        "a final ratio below 0.8 in grey is not flagged: its interval reaches 0.8, or a group has fewer than 20 subjects",
        "灰色的期末比率虽低于 0.8 但未标记：其区间达到 0.8，或某个群体不足 20 个对象",
    ),
    ("Worst-off group's access ratio over time", "最不利群体的享有比率随时间变化"),
    (
        "One panel per perk and restriction: the lowest four-fifths ratio of any group {unit} by {unit} (a group's share holding the perk over the best-off group's, or the least-burdened group's share under the restriction over the group's), with that group's 95% interval and its final value; a red strip marks the {units} at which some group fails the four-fifths rule, that is when its whole interval is below 0.8 (shaded) and both groups compared have at least 20 subjects{note}.",
        "每项优待和限制一个面板：逐{unit}的各群体最低五分之四比率（群体享有优待的占比除以最优群体的占比，或负担最轻群体受限制的占比除以该群体的占比），及该群体的 95% 区间和期末值；红色色条标出有群体不符合五分之四规则的{units}，即其整个区间都低于 0.8（阴影）、且比较的两个群体都至少有 20 个对象{note}。",
    ),
    ("ratio", "比率"),
    ("no ratio", "无比率"),
    ("blacklist", "黑名单"),
    ("redlist", "红名单"),
    ("Share on the list over time", "名单上的占比随时间变化"),
    ("Share on each list over time", "各名单上的占比随时间变化"),
    (", for everyone and for each group (each panel has its own scale)", "，全体及各群体（各面板刻度不同）"),
    (", for everyone (too many groups for a panel each)", "，全体（群体太多，不逐一分面板）"),
    (
        "Share of subjects on each list {unit} by {unit}{groups}; blacklists are solid lines, redlists dashed; the legend gives each list's final share of everyone{note}.",
        "逐{unit}的各名单上的对象占比{groups}；黑名单为实线，红名单为虚线；图例给出各名单的期末全体占比{note}。",
    ),
    ("lists · share of everyone at the end", "名单 · 期末全体占比"),
    ("share on the list (%)", "名单上的占比（%）"),
    ("{name} · seed {seed} · {n} subject", "{name} · 随机种子 {seed} · {n} 个对象"),
    ("{name} · seed {seed} · {n} subjects", "{name} · 随机种子 {seed} · {n} 个对象"),
    ("…", "…"),
    ("{rest} and {last}", "{rest}和{last}"),
    (
        "; group {list} is not shown: small-cell suppression hides groups with fewer than{k} subjects and those that would let them be recovered from the totals",
        "；未显示群体 {list}：小单元隐藏会隐去少于{k}个对象的群体，以及可借总数推算出它们的群体",
    ),
    (
        "; groups {list} are not shown: small-cell suppression hides groups with fewer than{k} subjects and those that would let them be recovered from the totals",
        "；未显示群体 {list}：小单元隐藏会隐去少于{k}个对象的群体，以及可借总数推算出它们的群体",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_and_fill() {
        assert_eq!("zh-CN".parse::<Lang>(), Ok(Lang::ZhCn));
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::En.fill("{n} synthetic subjects", &[("n", "2,000")]), "2,000 synthetic subjects");
        assert_eq!(Lang::ZhCn.fill("{n} synthetic subjects", &[("n", "2,000")]), "2,000 个合成主体");
        assert_eq!(Lang::ZhCn.tr("not in the table"), "not in the table");
    }

    /// Every `t("…")` and `th("…")` literal of the report template has a
    /// Chinese entry, and each entry keeps the English's placeholders.
    #[test]
    fn every_chart_text_has_a_translation() {
        let missing: Vec<String> = crate::plot::charts::chart_texts()
            .into_iter()
            .filter(|en| !ZH_CN.iter().any(|(e, _)| e == en))
            .collect();
        assert!(missing.is_empty(), "no Chinese for {missing:?}");
    }

    #[test]
    fn every_report_text_has_a_translation() {
        let template = include_str!("report.html.j2");
        let mut missing = vec![];
        for call in ["t(\"", "th(\""] {
            for piece in template.split(call).skip(1) {
                let en =
                    piece.split("\")").next().unwrap().split("\",").next().unwrap().replace("\\\"", "\"");
                if !ZH_CN.iter().any(|(e, _)| *e == en) {
                    missing.push(en);
                }
            }
        }
        assert!(missing.is_empty(), "no Chinese for {missing:?}");
        for (en, zh) in ZH_CN {
            for part in en.split('{').skip(1) {
                let name = part.split('}').next().unwrap();
                assert!(zh.contains(&format!("{{{name}}}")), "{zh} lacks {{{name}}}");
            }
        }
    }
}
