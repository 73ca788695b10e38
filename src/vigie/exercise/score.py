"""Score a Findings folder against the ground truth of a generated scenario.

Why: an exercise is only useful if the team can say how well the detectors did, in words
that hold up in a debrief. Every figure here is on *accounts*, because the analyst acts on
accounts (reports them, watches them), and every figure has a written definition, printed
with it by ``vigie score`` so nobody has to guess what "precision" meant.

Definitions (``truth`` = ``truth.parquet`` written by ``vigie generate``):

- **flagged**: the distinct accounts that are members of at least one group in the Findings.
- **positive**: a truth account whose ``campaign_id`` is not null (it belongs to a campaign);
  **organic**: ``campaign_id`` is null.
- **overall** precision = flagged positives / flagged; recall = flagged positives / positives;
  F1 = their harmonic mean. Flagged accounts absent from the truth are *not* counted in these
  (they cannot be judged) but are counted and reported as ``unknown_accounts``.
- **label** of an account: its ``campaign_type`` if positive, else ``"organic"``.
- **majority label** of a group: the most frequent label among its members found in the truth
  (ties broken by name, so the result is deterministic).
- per campaign type T: recall_T = flagged accounts of type T / accounts of type T;
  precision_T = among the distinct accounts of the groups whose majority label is T, the share
  that are truly of type T (None when no group has majority T); F1_T from those two.
- **organic false-positive rate** = flagged organic accounts / organic accounts.
- **group purity** = the mean, over groups weighted by their number of members found in the
  truth, of the share of the group's majority label ("organic" counts as a label).
- **per campaign** recall = flagged accounts of that campaign / its accounts, plus the number
  of groups its flagged accounts are spread over (fragmentation).
- **authentic coordinated** accounts: organic accounts whose truth ``role`` is one of
  ``vigie.exercise.kinds.AUTHENTIC_ROLES`` (newsrooms and their feeds, fans, follow trains,
  party networks, activists); ``authentic_fpr`` = how many of them are flagged / their number.
- **likely authentic** groups: groups whose ``likely_authentic`` column in ``groups.parquet``
  is true (the detectors' own rating). When the column is absent no group counts as likely
  authentic and ``likely_authentic_known`` is false.
- **organic FPR, not likely authentic** = organic accounts flagged in at least one group *not*
  rated likely authentic / organic accounts: the false alarms an analyst would act on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from vigie.errors import InputError, VigieError
from vigie.exercise.kinds import AUTHENTIC_ROLES
from vigie.schema import Findings

ORGANIC = "organic"
REQUIRED_TRUTH_COLUMNS = ("account_id", "campaign_id", "campaign_type")

DEFINITIONS: dict[str, str] = {
    "flagged": "accounts that are members of at least one group",
    "positive": "truth accounts with a campaign_id (organic = campaign_id is null)",
    "precision": "flagged positives / flagged (accounts found in the truth)",
    "recall": "flagged positives / positives",
    "f1": "harmonic mean of precision and recall",
    "recall_T": "flagged accounts of type T / accounts of type T",
    "precision_T": "among accounts of groups whose majority truth label is T, "
    "the share truly of type T",
    "organic_fpr": "flagged organic accounts / organic accounts",
    "group_purity": "mean share of each group's majority label (organic counts as a label), "
    "weighted by the group's members found in the truth",
    "campaign_recall": "flagged accounts of the campaign / its accounts",
    "unknown_accounts": "flagged accounts absent from the truth (not counted in P/R/F1)",
    "authentic_fpr": "flagged organic accounts whose truth role is authentic coordination "
    "(newsroom feeds, fans, follow trains, party networks, activists) / such accounts",
    "organic_fpr_not_authentic": "organic accounts flagged in a group not rated "
    "likely_authentic in groups.parquet / organic accounts (= organic_fpr when the column "
    "is absent)",
}


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(frozen=True)
class TypeScore:
    """Scores for one campaign type (see the module docstring for the definitions)."""

    campaign_type: str
    accounts: int
    flagged: int
    recall: float | None
    majority_groups: int
    majority_group_accounts: int
    majority_group_correct: int
    precision: float | None
    f1: float | None


@dataclass(frozen=True)
class CampaignScore:
    """Recall of one campaign, and over how many groups its flagged accounts are spread."""

    campaign_id: str
    campaign_type: str
    accounts: int
    flagged: int
    recall: float | None
    groups: int


@dataclass(frozen=True)
class ScoreReport:
    """Account-level scores of a Findings folder against a truth table."""

    findings: str
    truth: str
    truth_accounts: int
    positives: int
    organic: int
    groups: int
    flagged: int
    true_positives: int
    precision: float | None
    recall: float | None
    f1: float | None
    organic_flagged: int
    organic_fpr: float | None
    group_purity: float | None
    unknown_accounts: int
    unknown_examples: list[str]
    by_type: list[TypeScore] = field(default_factory=list)
    by_campaign: list[CampaignScore] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=lambda: dict(DEFINITIONS))
    authentic_accounts: int = 0
    authentic_flagged: int = 0
    authentic_fpr: float | None = None
    likely_authentic_known: bool = False
    groups_likely_authentic: int = 0
    organic_flagged_not_authentic: int = 0
    organic_fpr_not_authentic: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (used by ``vigie score --json``)."""
        return asdict(self)


# --- truth -----------------------------------------------------------------------------------


def _resolve_truth_path(truth_path: str | Path) -> Path:
    """Accept ``truth.parquet`` itself, or the folder that ``vigie generate`` wrote it in."""
    p = Path(truth_path)
    if p.is_dir():
        candidate = p / "truth.parquet"
        if not candidate.exists():
            raise VigieError(f"{p}: folder has no truth.parquet")
        return candidate
    if not p.exists():
        raise VigieError(f"{p}: truth file not found")
    return p


@dataclass(frozen=True)
class Truth:
    """Truth labels keyed on (platform, account_id), with a fallback on account_id alone for
    Findings members whose platform is null."""

    path: Path
    labels: dict[tuple[str | None, str], tuple[str | None, str]]  # -> (campaign_id, label)
    by_account: dict[str, list[tuple[str | None, str]]]
    roles: dict[tuple[str | None, str], str] = field(default_factory=dict)

    def key_for(self, platform: str | None, account_id: str) -> tuple[str | None, str] | None:
        """The truth key a Findings member maps to, or None when it is not in the truth.

        A member with a platform matches (platform, account_id), or an entry whose platform is
        null; a member without one matches on account_id when that is unambiguous."""
        if platform is not None:
            for key in ((platform, account_id), (None, account_id)):
                if key in self.labels:
                    return key
            return None
        keys = self.by_account.get(account_id, [])
        return keys[0] if len(keys) == 1 else None

    def label_of(self, platform: str | None, account_id: str) -> str | None:
        """``campaign_type`` of a campaign account, ``"organic"``, or None when unknown."""
        key = self.key_for(platform, account_id)
        return None if key is None else self.labels[key][1]


def _texts(table: pa.Table, name: str, path: Path) -> list[str | None]:
    """Column ``name`` as text (all None when the table has none), or an error naming the
    file and the column: a truth table of another shape (a nested column, bytes that are
    not UTF-8) was an Arrow message that named neither."""
    if name not in table.column_names:
        return [None] * table.num_rows
    col = table.column(name)
    try:
        return col.cast(pa.string()).to_pylist()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(
            f"column '{name}' holds {col.type}, which is not text ({exc})",
            file=str(path),
            field=name,
        ) from None


def load_truth(truth_path: str | Path) -> Truth:
    """Read and validate a truth table (``TRUTH_ACCOUNTS_SCHEMA``), with errors that name the
    file, the row and the column."""
    path = _resolve_truth_path(truth_path)
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise VigieError(f"{path}: not a readable Parquet file ({exc})") from exc
    missing = [c for c in REQUIRED_TRUTH_COLUMNS if c not in schema.names]
    if missing:
        raise InputError(
            f"truth table lacks column(s) {', '.join(missing)} "
            f"(expected {', '.join(REQUIRED_TRUTH_COLUMNS)}, optional platform)",
            file=str(path),
            field=missing[0],
        )
    cols = list(REQUIRED_TRUTH_COLUMNS) + [c for c in ("platform", "role") if c in schema.names]
    try:
        table = pq.read_table(path, columns=cols)
    except (pa.ArrowInvalid, OSError) as exc:
        raise VigieError(f"{path}: cannot read truth table ({exc})") from exc
    accounts = _texts(table, "account_id", path)
    campaigns = _texts(table, "campaign_id", path)
    types = _texts(table, "campaign_type", path)
    platforms = _texts(table, "platform", path)
    roles_col = _texts(table, "role", path)
    labels: dict[tuple[str | None, str], tuple[str | None, str]] = {}
    by_account: dict[str, list[tuple[str | None, str]]] = {}
    roles: dict[tuple[str | None, str], str] = {}
    for row, (acc, camp, ctype, plat, role) in enumerate(
        zip(accounts, campaigns, types, platforms, roles_col, strict=True)
    ):
        if acc is None:
            raise InputError("account_id is null", file=str(path), record=row, field="account_id")
        if camp is not None and not ctype:
            raise InputError(
                f"account {acc!r} has campaign_id {camp!r} but no campaign_type",
                file=str(path),
                record=row,
                field="campaign_type",
            )
        key = (plat, acc)
        if key in labels:
            raise InputError(
                f"account {acc!r} (platform {plat!r}) appears twice",
                file=str(path),
                record=row,
                field="account_id",
            )
        labels[key] = (camp, ctype if camp is not None else ORGANIC)
        by_account.setdefault(acc, []).append(key)
        if role is not None:
            roles[key] = role
    if not labels:  # every figure would be "—": a truth of no account is a wrong file
        raise InputError(
            "the truth table holds no account: nothing to score against (the exercise's "
            "truth.parquet lists every account of the scenario)",
            file=str(path),
        )
    return Truth(path=path, labels=labels, by_account=by_account, roles=roles)


def _likely_authentic(groups: pa.Table) -> tuple[bool, set[str]]:
    """Whether ``groups.parquet`` rates groups as likely authentic, and which ones (a column
    of nulls, as a writer that does not rate leaves it, rates nothing)."""
    if "likely_authentic" not in groups.column_names:
        return False, set()
    flags = groups.column("likely_authentic").to_pylist()
    if all(f is None for f in flags):
        return False, set()
    ids = groups.column("group_id").to_pylist()
    return True, {g for g, f in zip(ids, flags, strict=True) if f is True}


# --- scoring ---------------------------------------------------------------------------------


def _majority(counter: Counter[str]) -> tuple[str, int]:
    """Most frequent label; ties broken by label name so that scores are deterministic."""
    label, n = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return label, n


def score_findings(findings: Findings | str | Path, truth_path: str | Path) -> ScoreReport:
    """Score ``findings`` against ``truth_path`` (definitions in the module docstring)."""
    fnd = findings if isinstance(findings, Findings) else Findings(Path(findings))
    fnd.check()
    truth = load_truth(truth_path)

    members = fnd.members()
    groups_tbl = fnd.groups()
    m_groups = members.column("group_id").to_pylist()
    m_accounts = members.column("account_id").to_pylist()
    m_platforms = members.column("platform").to_pylist()

    # group -> distinct matched truth keys; flagged = union over groups
    group_keys: dict[str, set[tuple[str | None, str]]] = {}
    flagged: set[tuple[str | None, str]] = set()
    unknown: set[tuple[str | None, str]] = set()
    for g, acc, plat in zip(m_groups, m_accounts, m_platforms, strict=True):
        hit_key = truth.key_for(plat, acc)
        if hit_key is None:
            unknown.add((plat, acc))
            continue
        group_keys.setdefault(g, set()).add(hit_key)
        flagged.add(hit_key)

    # totals from the truth
    type_totals: Counter[str] = Counter()
    campaign_totals: Counter[str] = Counter()
    campaign_type: dict[str, str] = {}
    for camp, label in truth.labels.values():
        type_totals[label] += 1
        if camp is not None:
            campaign_totals[camp] += 1
            campaign_type[camp] = label
    organic_total = type_totals.pop(ORGANIC, 0)
    positives = sum(type_totals.values())

    flagged_types: Counter[str] = Counter()
    flagged_campaigns: Counter[str] = Counter()
    for key in flagged:
        camp, label = truth.labels[key]
        flagged_types[label] += 1
        if camp is not None:
            flagged_campaigns[camp] += 1
    organic_flagged = flagged_types.pop(ORGANIC, 0)
    tp = sum(flagged_types.values())

    # group majority labels, purity, and per-type precision
    purity_num = 0
    purity_den = 0
    majority_accounts: dict[str, set[tuple[str | None, str]]] = {}
    majority_groups: Counter[str] = Counter()
    campaign_groups: dict[str, set[str]] = {}
    for g, keys in group_keys.items():
        labels = Counter(truth.labels[k][1] for k in keys)
        label, n = _majority(labels)
        purity_num += n
        purity_den += len(keys)
        majority_groups[label] += 1
        majority_accounts.setdefault(label, set()).update(keys)
        for k in keys:
            camp = truth.labels[k][0]
            if camp is not None:
                campaign_groups.setdefault(camp, set()).add(g)

    by_type = []
    for t in sorted(set(type_totals) | {lbl for lbl in majority_groups if lbl != ORGANIC}):
        accs = majority_accounts.get(t, set())
        correct = sum(1 for k in accs if truth.labels[k][1] == t)
        recall_t = _ratio(flagged_types[t], type_totals[t])
        precision_t = _ratio(correct, len(accs))
        by_type.append(
            TypeScore(
                campaign_type=t,
                accounts=type_totals[t],
                flagged=flagged_types[t],
                recall=recall_t,
                majority_groups=majority_groups[t],
                majority_group_accounts=len(accs),
                majority_group_correct=correct,
                precision=precision_t,
                f1=_f1(precision_t, recall_t),
            )
        )

    by_campaign = [
        CampaignScore(
            campaign_id=c,
            campaign_type=campaign_type[c],
            accounts=n,
            flagged=flagged_campaigns[c],
            recall=_ratio(flagged_campaigns[c], n),
            groups=len(campaign_groups.get(c, ())),
        )
        for c, n in sorted(campaign_totals.items())
    ]

    # authentic coordination, and the false alarms left once groups rated authentic are set aside
    authentic = {
        k for k, r in truth.roles.items() if r in AUTHENTIC_ROLES and not truth.labels[k][0]
    }
    authentic_flagged = len(authentic & flagged)
    known, rated = _likely_authentic(groups_tbl)
    acted_on = set().union(*(keys for g, keys in group_keys.items() if g not in rated))
    organic_acted = sum(1 for k in acted_on if truth.labels[k][0] is None)

    precision = _ratio(tp, len(flagged))
    recall = _ratio(tp, positives)
    return ScoreReport(
        findings=str(fnd.path),
        truth=str(truth.path),
        truth_accounts=len(truth.labels),
        positives=positives,
        organic=organic_total,
        groups=groups_tbl.num_rows,
        flagged=len(flagged),
        true_positives=tp,
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        organic_flagged=organic_flagged,
        organic_fpr=_ratio(organic_flagged, organic_total),
        group_purity=_ratio(purity_num, purity_den),
        unknown_accounts=len(unknown),
        unknown_examples=sorted(a for _, a in unknown)[:10],
        by_type=by_type,
        by_campaign=by_campaign,
        authentic_accounts=len(authentic),
        authentic_flagged=authentic_flagged,
        authentic_fpr=_ratio(authentic_flagged, len(authentic)),
        likely_authentic_known=known,
        groups_likely_authentic=len(rated),
        organic_flagged_not_authentic=organic_acted,
        organic_fpr_not_authentic=_ratio(organic_acted, organic_total),
    )
