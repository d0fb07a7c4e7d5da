"""Rule-based Indonesian sentiment: polarity lexicon + negation, contrast, hope, irony (data files)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sentiment.config import parse_yaml

_DATA = Path(__file__).resolve().parent / "data"
LEXICON_FILE = _DATA / "lexicon.tsv"
RULES_FILE = _DATA / "lexicon_rules.yaml"

LABELS = ("negatif", "netral", "positif")

LEXICON_FEATURE_NAMES: list[str] = [
    "lex_score",
    "lex_total",
    "pos_sum",
    "neg_sum",
    "n_pos",
    "n_neg",
    "n_negated",
    "n_intensified",
    "n_softened",
    "has_contrast",
    "has_concession",
    "hope_frame",
    "wish_frame",
    "explanatory",
    "sarcasm",
    "final_clause_polarity",
    "n_events",
    "events_countered",
    "lack",
    "log_tokens",
]

# Token roles other than sentiment terms.
_PUNCT, _NEG, _WEAKNEG, _CONTRAST, _CONCESSION, _HOPE, _WISH, _EXPL = range(8)
_INTENS, _SOFT, _INCR, _DECR_AFTER, _DECR_BEFORE, _GAP, _SARC, _POSTNEG = range(8, 16)
_COMPLAINT, _REQUEST = range(16, 18)
_SENTENCE_END = frozenset(".!?")


def read_lexicon(path: Path = LEXICON_FILE) -> dict[str, tuple[float, str]]:
    """Polarity lexicon: term → (weight in [-3, 3], tag: '', 'praise' or 'event')."""
    out: dict[str, tuple[float, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        out[parts[0].strip()] = (float(parts[1]), parts[2].strip() if len(parts) > 2 else "")
    return out


@lru_cache(maxsize=1)
def lexicon() -> dict[str, tuple[float, str]]:
    """The shipped polarity lexicon (cached)."""
    return read_lexicon()


def lexicon_terms() -> set[str]:
    """Every single word appearing in a lexicon term."""
    return {w for term in lexicon() for w in term.split()}


@dataclass(frozen=True)
class Rules:
    """Function-word lists and factors from lexicon_rules.yaml."""

    raw: dict[str, Any]
    roles: dict[str, int]
    phrases: dict[str, tuple[int, str]]  # "w1 w2[ w3]" → (role or -1 for a lexicon term, key)
    phrase_heads: frozenset[str]
    clause_initial: frozenset[str]
    closing_words: frozenset[str]
    past: frozenset[str]
    present: frozenset[str]
    affect: frozenset[str]
    habitual: frozenset[str]
    habitual_objects: frozenset[str]
    lack_weak: frozenset[str]
    info_question: frozenset[str]
    balanced: frozenset[str]
    topic_frames: frozenset[str]
    complaint_weights: dict[str, float]
    complaint_needs_partner: frozenset[str]
    complaint_partners: frozenset[str]
    request_verbs: frozenset[str]
    fear: frozenset[str]
    story_events: frozenset[str]
    story_outcomes: frozenset[str]
    bare_neutral: frozenset[str] = frozenset()
    hope_continue: frozenset[str] = frozenset()
    no_longer_blockers: frozenset[str] = frozenset()
    post_intensifiers: frozenset[str] = frozenset()
    rhetorical_heads: frozenset[str] = frozenset()
    rhetorical_links: frozenset[str] = frozenset()
    faint_praise: frozenset[str] = frozenset()
    only_when: frozenset[str] = frozenset()
    decrease_before: frozenset[str] = frozenset()
    conditional: frozenset[str] = frozenset()
    no_change_objects: frozenset[str] = frozenset()
    first_verbs: frozenset[str] = frozenset()
    continuation: frozenset[str] = frozenset()
    exclusion: frozenset[str] = frozenset()
    exclusion_verbs: frozenset[str] = frozenset()

    def f(self, name: str) -> float:
        return float(self.raw[name])


@lru_cache(maxsize=1)
def rules() -> Rules:
    """Parsed scoring rules (cached)."""
    raw = parse_yaml(RULES_FILE.read_text(encoding="utf-8"))
    roles: dict[str, int] = {}
    phrases: dict[str, tuple[int, str]] = {}
    # Later lists win for words that appear in two lists, so order by priority (lowest first).
    for key, role in (
        ("negation_gap_words", _GAP),
        ("sarcasm_markers", _SARC),
        ("increase", _INCR),
        ("softeners", _SOFT),
        ("intensifiers", _INTENS),
        ("decrease_before", _DECR_BEFORE),
        ("decrease_after", _DECR_AFTER),
        ("explanatory", _EXPL),
        ("wish", _WISH),
        ("requests", _REQUEST),
        ("complaint_markers", _COMPLAINT),
        ("hope", _HOPE),
        ("concession", _CONCESSION),
        ("contrast", _CONTRAST),
        ("weak_negators", _WEAKNEG),
        ("post_negators", _POSTNEG),
        ("negators", _NEG),
    ):
        for word in raw[key]:
            word = str(word).replace("_", " ")
            if " " in word:
                phrases[word] = (role, word)
            else:
                roles[word] = role
    for term in lexicon():
        if " " in term:
            phrases[term] = (-1, term)
    for key in ("past_markers", "present_markers", "info_question_words", "balanced_markers"):
        for word in raw.get(key) or []:
            word = str(word).replace("_", " ")
            if " " in word and word not in phrases:
                phrases[word] = (_GAP, word)
    heads = frozenset(p.split()[0] for p in phrases)

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).replace("_", " ") for w in raw.get(key) or [])

    closing = words("closings") | frozenset(
        "pak bu bang kak bro sis mas mbak gan ya sih deh dong saja".split()
    )
    return Rules(
        raw=raw,
        roles=roles,
        phrases=phrases,
        phrase_heads=heads,
        clause_initial=words("contrast_clause_initial"),
        closing_words=closing,
        past=words("past_markers"),
        present=words("present_markers"),
        affect=words("affect"),
        habitual=words("habitual"),
        habitual_objects=words("habitual_objects"),
        lack_weak=words("lack_weak"),
        info_question=words("info_question_words"),
        balanced=words("balanced_markers"),
        topic_frames=words("topic_frames"),
        complaint_weights={str(k).replace("_", " "): float(v)
                           for k, v in (raw.get("complaint_markers") or {}).items()},
        complaint_needs_partner=words("complaint_needs_partner"),
        complaint_partners=words("complaint_partners"),
        request_verbs=words("request_verbs"),
        fear=words("fear"),
        story_events=words("story_events"),
        story_outcomes=words("story_outcomes"),
        bare_neutral=words("complaint_bare_neutral"),
        hope_continue=words("hope_continue"),
        no_longer_blockers=words("no_longer_blockers"),
        post_intensifiers=words("post_intensifiers"),
        rhetorical_heads=words("rhetorical_heads"),
        rhetorical_links=words("rhetorical_links"),
        faint_praise=words("faint_praise"),
        only_when=words("only_when"),
        decrease_before=words("decrease_before"),
        conditional=words("conditional"),
        no_change_objects=words("no_change_objects"),
        first_verbs=words("first_verbs"),
        continuation=words("continuation_markers"),
        exclusion=words("exclusion"),
        exclusion_verbs=words("exclusion_verbs"),
    )


@dataclass(slots=True)
class _Term:
    pos: int
    term: str
    weight: float
    tag: str
    clause: int
    value: float = 0.0
    effects: list[str] = field(default_factory=list)


@dataclass
class LexiconResult:
    """Outcome for one text: label, score in [-1, 1], reasons, and features for models."""

    label: str
    score: float
    reasons: list[dict[str, Any]]
    features: list[float]


_NEUTRAL_FEATURES = [0.0] * len(LEXICON_FEATURE_NAMES)


def _label(score: float, threshold: float) -> str:
    if score >= threshold:
        return "positif"
    if score <= -threshold:
        return "negatif"
    return "netral"


_followers: list = [None, {}]  # [rules object, its followers]: Rules holds dicts, no hash


def _phrase_followers(rl: Rules) -> dict[str, frozenset[str]]:
    """First word → second words of the multi-word terms and markers."""
    if _followers[0] is not rl:
        follow: dict[str, set[str]] = {}
        for phrase in rl.phrases:
            words = phrase.split()
            if len(words) > 1:
                follow.setdefault(words[0], set()).add(words[1])
        _followers[1] = {head: frozenset(words) for head, words in follow.items()}
        _followers[0] = rl
    return _followers[1]


def _tokens_with_phrases(
    tokens: Sequence[str], stems: Sequence[str], rl: Rules
) -> list[tuple[str, str]]:
    """Merge multi-word terms ("luar biasa", "tidak ada") into single items: (surface, stem)."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(tokens)
    phrases = rl.phrases
    follow = _phrase_followers(rl)
    while i < n:
        tok = tokens[i]
        # a phrase can start here only if the next word continues one ("tidak" + "ada")
        if i + 1 < n and tokens[i + 1] in follow.get(tok, ()):
            if i + 2 < n:
                three = f"{tok} {tokens[i + 1]} {tokens[i + 2]}"
                if three in phrases:
                    out.append((three, three))
                    i += 3
                    continue
            if i + 1 < n:
                two = f"{tok} {tokens[i + 1]}"
                if two in phrases:
                    out.append((two, two))
                    i += 2
                    continue
        out.append((tok, stems[i]))
        i += 1
    return out


_MARK_PAST, _MARK_PRESENT, _MARK_INFO, _MARK_BALANCED, _MARK_KADANG = range(1, 6)
_info_memo: dict[tuple[str, str], tuple[int, int, tuple[float, str] | None]] = {}


def _token_info(tok: str, stem: str) -> tuple[int, int, tuple[float, str] | None]:
    """(role, marker, lexicon entry) of one item, memoised: one lookup per token in the hot loop."""
    hit = _info_memo.get((tok, stem))
    if hit is not None:
        return hit
    rl = rules()
    role = rl.roles.get(tok, -1)
    if role == -1 and tok in rl.phrases:
        role = rl.phrases[tok][0]
    if role == -1 and tok[0] in ".!?;:,":
        role = _PUNCT
    marker = 0
    if tok in rl.past:
        marker = _MARK_PAST
    elif tok in rl.present:
        marker = _MARK_PRESENT
    elif tok in rl.info_question:
        marker = _MARK_INFO
    elif tok in rl.balanced:
        marker = _MARK_BALANCED
    elif tok == "kadang":
        marker = _MARK_KADANG
    entry = None
    if role == -1:
        lex = lexicon()
        entry = lex.get(tok)
        if entry is None and stem != tok:
            entry = lex.get(stem)
        if entry is not None and entry[0] == 0.0:
            entry = None
    if len(_info_memo) > 200_000:
        _info_memo.clear()
    hit = _info_memo[(tok, stem)] = (role, marker, entry)
    return hit


def _ada_follows(items: list[tuple[str, str]], i: int) -> bool:
    """"tidak ada", "tidak pernah ada", "gak ada lagi": the negator denies existence."""
    for j in range(i + 1, min(len(items), i + 3)):
        tok = items[j][0]
        if tok == "ada":
            return True
        if tok not in ("pernah", "lagi", "juga", "akan", "bakal", "sama sekali"):
            return False
    return False


def _tail_start(items: list[tuple[str, str]], roles: list[int], rl: Rules) -> int:
    """Index where a trailing run of closings and fillers starts ("... Terima kasih Pak.")."""
    closing = rl.closing_words
    i = len(items)
    while i > 0 and (roles[i - 1] == _PUNCT or items[i - 1][0] in closing):
        i -= 1
    return i


@dataclass
class _Scan:
    """What the passes share about one text: items, their roles, clauses and sentences,
    the sentiment terms found, and the extra evidence the passes add."""

    rl: Rules
    items: list[tuple[str, str]]
    infos: list[tuple[int, int, tuple[float, str] | None]]
    n_tokens: int
    role_of: list[int] = field(default_factory=list)
    clause_of: list[int] = field(default_factory=list)
    sentence_of: list[int] = field(default_factory=list)
    clause_kind: list[str] = field(default_factory=lambda: [""])
    clause_sentence: list[int] = field(default_factory=lambda: [0])
    sentence_flags: list[set[str]] = field(default_factory=lambda: [set()])
    clause_weight: list[float] = field(default_factory=list)
    terms: list[_Term] = field(default_factory=list)
    term_pos: set[int] = field(default_factory=set)
    in_hope: list[bool] = field(default_factory=list)
    hope_after_contrast: bool = False
    lack_values: list[tuple[int, str]] = field(default_factory=list)
    # Evidence that is not a lexicon term: (position, marker, value, effects).
    extra: list[tuple[int, str, float, list[str]]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("negated", "intens", "soft", "events", "countered", "lack"), 0))
    sarcasm: int = 0
    hope_continues: bool = False

    @property
    def n(self) -> int:
        return len(self.items)

    def f(self, name: str) -> float:
        return float(self.rl.raw[name])


def _structure_pass(s: _Scan) -> None:
    """Roles, clauses and sentences; sentence flags (question, hope, explanation, past, ...)."""
    rl, items, n = s.rl, s.items, s.n
    s.role_of = [-1] * n
    s.clause_of = [0] * n
    s.sentence_of = [0] * n
    clause_kind, clause_sentence, sentence_flags = s.clause_kind, s.clause_sentence, s.sentence_flags
    clause, sentence, clause_start = 0, 0, True

    def new_clause() -> None:
        nonlocal clause
        clause += 1
        clause_kind.append("")
        clause_sentence.append(sentence)

    for i, (tok, _stem) in enumerate(items):
        role, marker, _entry = s.infos[i]
        if role == _CONTRAST or role == _CONCESSION:
            initial_only = tok in rl.clause_initial
            if initial_only and (not clause_start or (clause == 0 and sentence == 0)):
                role = _SOFT if tok in ("cuma", "cuman", "hanya") else -1
            elif i + 1 < n:
                if not clause_start:
                    new_clause()
                clause_kind[clause] = "contrast" if role == _CONTRAST else "concession"
                sentence_flags[sentence].add(clause_kind[clause])
        s.role_of[i] = role
        s.clause_of[i] = clause
        s.sentence_of[i] = sentence
        if role == _PUNCT:
            if not clause_start:
                new_clause()
            clause_start = True
            if "?" in tok:
                sentence_flags[sentence].add("question")
            if tok[0] in _SENTENCE_END or "?" in tok:
                sentence += 1
                sentence_flags.append(set())
                clause_sentence[clause] = sentence
            continue
        if role == -1:
            clause_start = False
        else:
            clause_start = (role == _CONTRAST or role == _CONCESSION) and clause_kind[clause] != ""
            sentence_flags[sentence].update(_ROLE_FLAGS.get(role, ()))
        if marker:
            if marker == _MARK_PAST and _dulu_means_first(items, i, rl):
                pass  # "dicek dulu ke Pak RT": "first", not "in the past"
            elif marker == _MARK_PAST:
                clause_kind[clause] = clause_kind[clause] or "past"
            elif marker == _MARK_PRESENT:
                sentence_flags[sentence].add("present")
            elif marker == _MARK_INFO:
                sentence_flags[sentence].add("info_word")
            elif marker == _MARK_BALANCED or "kadang" in sentence_flags[sentence]:
                sentence_flags[0].add("balanced")
            else:
                sentence_flags[sentence].add("kadang")


def _dulu_means_first(items: list[tuple[str, str]], i: int, rl: Rules) -> bool:
    """"dulu" right after a verb means "first" ("dicek dulu", "dengerin dulu", "liat2 dulu")."""
    if items[i][0] not in ("dulu", "dahulu") or i == 0:
        return False
    prev = items[i - 1][0]
    return prev in rl.first_verbs or prev.endswith(("kan", "in")) or (
        prev.startswith("di") and len(prev) > 4)


_ROLE_FLAGS = {_HOPE: ("hope",), _EXPL: ("explanatory",), _WISH: ("wish",),
               _SARC: ("sarcasm_marker",), _REQUEST: ("request", "wish"),
               _COMPLAINT: ("complaint",)}


def _contrast_pass(s: _Scan) -> None:
    """Clause weights: after a contrast ("tapi", "namun") the clause dominates what came
    before; a concession ("walaupun") and the past next to the present count less."""
    kinds = s.clause_kind
    n_clauses = len(kinds)
    weight = [1.0] * n_clauses
    before, after = s.f("contrast_before_factor"), s.f("contrast_after_factor")
    for c in range(n_clauses):
        if kinds[c] == "contrast":
            for b in range(c):
                weight[b] *= before
            weight[c] = after
            for a in range(c + 1, n_clauses):
                if s.clause_sentence[a] != s.clause_sentence[c] or kinds[a]:
                    break
                weight[a] = after
        elif kinds[c] == "concession":
            weight[c] *= s.f("concession_factor")
    if "past" in kinds and any("present" in f for f in s.sentence_flags):
        for c in range(n_clauses):
            if kinds[c] == "past":
                weight[c] *= s.f("past_factor")
    s.clause_weight = weight


def _terms_pass(s: _Scan) -> None:
    """Sentiment terms; closing formulas ("terima kasih") and habitual "suka" are not evidence."""
    rl, items, n, role_of = s.rl, s.items, s.n, s.role_of
    tail = _tail_start(items, role_of, rl)
    for i, (tok, _stem) in enumerate(items):
        entry = s.infos[i][2]
        if entry is None or role_of[i] != -1:
            continue
        if i >= tail and tail > 0 and tok in rl.closing_words:
            continue
        if tok in rl.habitual and i + 1 < n and role_of[i + 1] != _PUNCT:
            if items[i + 1][0] not in rl.habitual_objects and role_of[i + 1] != _INTENS:
                continue
        s.terms.append(_Term(i, tok, entry[0], entry[1], s.clause_of[i]))
    s.term_pos = {t.pos for t in s.terms}


def _hope_scope_pass(s: _Scan) -> None:
    """Hope scope: from "semoga"/"berharap" to the end of the sentence, a contrast or a cause."""
    s.in_hope = [False] * s.n
    if _HOPE not in s.role_of:
        return
    hope_on = False
    for i in range(s.n):
        role = s.role_of[i]
        if role == _PUNCT and s.items[i][0][0] in _SENTENCE_END:
            hope_on = False
        elif role in (_CONTRAST, _EXPL):
            hope_on = False
        elif role == _HOPE:
            hope_on = True
            c = s.clause_of[i]
            if s.clause_kind[c] == "contrast" or s.clause_weight[c] > 1.0:
                s.hope_after_contrast = True
        s.in_hope[i] = hope_on


def _lack_pass(s: _Scan) -> None:
    """A missing thing with no sentiment term near: "tidak ada kegiatan", "lampu jalan kurang"."""
    rl, items, n, role_of = s.rl, s.items, s.n, s.role_of
    if not (_NEG in role_of or _WEAKNEG in role_of
            or any(items[i][0] in ("tidak ada", "belum ada") for i in range(n))):
        return
    window = int(rl.raw["negation_window"])
    for i in range(n):
        role, tok = role_of[i], items[i][0]
        if role == _NEG and (tok == "tanpa" or _ada_follows(items, i)):
            lack = True
        else:
            lack = tok in rl.lack_weak or tok in ("tidak ada", "belum ada")
        if not lack:
            continue
        ahead = range(i + 1, min(n, i + 2 + window))
        if any(j in s.term_pos for j in ahead):
            continue
        if any(items[j][0] in rl.no_change_objects for j in ahead[:3]):
            continue  # "tidak ada yang berubah": a bare no-change answer (GUIDE S4), no lack
        content_after = any(role_of[j] == -1 for j in ahead[:2])
        content_before = i > 0 and role_of[i - 1] == -1
        clause_end = i + 1 >= n or role_of[i + 1] == _PUNCT
        if content_after or (tok in rl.lack_weak and (content_before or clause_end)):
            s.lack_values.append((i, tok))
        elif role == _NEG and _absent_at_clause_end(s, i):
            s.lack_values.append((i, tok))


def _absent_at_clause_end(s: _Scan, i: int) -> bool:
    """"Pos ronda ada, orangnya yang tidak ada": a thing named before "tidak ada" at the end of
    its clause is missing (with no sentiment term in the clause: "tawurannya tidak ada" is the
    negation pass's)."""
    j = i + 1
    while j < s.n and s.items[j][0] in ("pernah", "lagi", "juga", "sama sekali"):
        j += 1
    if j >= s.n or s.items[j][0] != "ada":
        return False
    if j + 1 < s.n and s.role_of[j + 1] != _PUNCT:
        return False
    clause = s.clause_of[i]
    before = [k for k in range(i) if s.clause_of[k] == clause]
    return (any(s.role_of[k] == -1 for k in before)
            and not any(k in s.term_pos for k in before))


@dataclass(slots=True)
class _Context:
    """The function words around one term, within its clause."""

    negated: bool = False
    weak: bool = False
    absent: bool = False
    intens: bool = False
    soft: bool = False
    incr: bool = False
    decr_before: bool = False
    decr_after: bool = False
    framed: bool = False


def _look_back(s: _Scan, t: _Term, ctx: _Context) -> None:
    """Negators, decrease verbs, intensifiers and softeners before the term."""
    window = int(s.rl.raw["negation_window"])
    j, steps, i = t.pos - 1, 0, t.pos
    while j >= 0 and steps < window and s.clause_of[j] == t.clause:
        r = s.role_of[j]
        if j in s.term_pos:
            break
        tj = s.items[j][0]
        if tj in s.rl.topic_frames:
            ctx.framed = True
        if r == _NEG:
            ctx.negated = True
            ctx.absent = tj in ("tanpa", "bebas", "tidak ada", "belum ada", "nol", "nihil") or (
                _ada_follows(s.items, j))
            return
        if r == _WEAKNEG:
            ctx.negated = ctx.weak = True
            return
        if r == _INTENS:
            ctx.intens = ctx.intens or j >= i - 2  # "sangat aman", not three words away
        elif r == _SOFT:
            ctx.soft = True
        elif r == _INCR:
            ctx.incr = True
        elif r == _DECR_BEFORE or (r == _DECR_AFTER and tj in s.rl.decrease_before):
            ctx.decr_before = True  # "janji berhenti ributnya": "berhenti" is in both lists
        if r != _GAP:
            steps += 1
        j -= 1


def _look_ahead(s: _Scan, t: _Term, ctx: _Context) -> None:
    """After the term: "banget", "berkurang", "makin sering", "aman juga enggak", "seru apanya"."""
    window = int(s.rl.raw["negation_window"])
    i, n = t.pos, s.n
    for j in range(i + 1, min(n, i + 1 + int(s.rl.raw["decrease_window"]))):
        if s.clause_of[j] != t.clause or j in s.term_pos:
            break
        r = s.role_of[j]
        near = j <= i + window
        if r == _DECR_AFTER or (r == _WEAKNEG and s.items[j][0] == "jarang"):
            ctx.decr_after = True
        elif not near:
            continue
        elif r == _INTENS:
            ctx.intens = True
        elif r == _INCR:
            ctx.incr = True
        elif r == _POSTNEG:
            ctx.negated = True
        elif r == _NEG and not ctx.negated and (j + 1 >= n or s.role_of[j + 1] == _PUNCT):
            ctx.negated = True


def _negation_pass(s: _Scan, t: _Term, ctx: _Context) -> None:
    """A negated term flips; an absent harm ("tidak ada tawuran") flips more strongly."""
    w = t.weight
    s.counters["negated"] += 1
    if ctx.absent and t.term in s.rl.no_change_objects:
        t.value = 0.0  # "tidak ada yang istimewa": a bare no-change answer (GUIDE S4)
        t.effects.append("no_change")
        return
    if w > 0:
        t.value = -w * (0.6 if ctx.weak else 0.8)
        t.effects.append("negated")
    else:
        strong = ctx.absent or t.tag == "event"
        t.value = -w * (0.8 if strong and not ctx.weak else 0.5)
        t.effects.append("absent" if ctx.absent else "negated")


def _intensifier_pass(s: _Scan, t: _Term, ctx: _Context) -> None:
    """Intensifiers, softeners, "makin sering", and harms that stopped ("sudah berkurang")."""
    w, raw = t.weight, s.rl.raw
    if ctx.intens:
        t.value *= raw["intensifier_factor"]
        t.effects.append("intensified")
        s.counters["intens"] += 1
    if ctx.soft:
        t.value *= raw["softener_factor"]
        t.effects.append("softened")
        s.counters["soft"] += 1
    if ctx.incr and w < 0:
        t.value *= raw["increase_factor"]
        t.effects.append("increasing")
    if w < 0 and (ctx.decr_after or ctx.decr_before):
        t.value = -t.value * 0.8
        t.effects.append("stopped")
    elif w > 0 and ctx.decr_after:
        t.value = -t.value * 0.8
        t.effects.append("lost")


def _frame_pass(s: _Scan, t: _Term, ctx: _Context) -> None:
    """Frames around a term: a topic ("penyuluhan narkoba"), a cause, a hope, a question,
    a balanced answer ("tergantung")."""
    rl, raw = s.rl, s.rl.raw
    if ctx.framed and t.value < 0 and t.term not in rl.affect:
        t.value = 0.0
        t.effects.append("topic_only")
    flags = s.sentence_flags[s.sentence_of[t.pos]]
    if t.tag == "event":
        s.counters["events"] += 1
        if t.value > 0:
            s.counters["countered"] += 1
    hoped = s.in_hope[t.pos]
    if t.value < 0 and "explanatory" in flags and t.term not in rl.affect and not hoped:
        t.value *= raw["explanatory_event_factor"]
        t.effects.append("explained")
    if hoped and t.value < 0 and t.term in rl.affect and _HOPE in s.role_of[max(0, t.pos - 2):t.pos]:
        pass  # "pengin marah": wanting to be angry is being angry, not a hope
    elif hoped and t.weight < 0:
        # "semoga tidak ada korban lagi": naming a harm in a hope voices a worry (GUIDE S7)
        t.value = -abs(t.value) * raw["hope_harm_factor"]
        t.effects.extend(("hoped", "worry"))
    elif hoped:
        t.value = abs(t.value) * raw["hope_factor"]
        t.effects.append("hoped")
    elif "question" in flags and (t.value > 0 or "info_word" in flags):
        t.value *= raw["question_positive_factor" if t.value > 0 else "question_negative_factor"]
        t.effects.append("question")
    if "balanced" in s.sentence_flags[0]:
        t.value *= raw["balanced_factor"]
        t.effects.append("balanced")


def _term_pass(s: _Scan) -> None:
    """Each term's value from its context: negation, or intensifiers and decrease; then frames."""
    for t in s.terms:
        ctx = _Context()
        _look_back(s, t, ctx)
        _look_ahead(s, t, ctx)
        t.value = t.weight
        if ctx.negated:
            _negation_pass(s, t, ctx)
        else:
            _intensifier_pass(s, t, ctx)
        _frame_pass(s, t, ctx)


def _irony_pass(s: _Scan) -> None:
    """Praise before a harmful event in the same sentence, no contrast: "mantap, tiap malam
    ada petasan" is a complaint."""
    if not any(t.tag == "praise" for t in s.terms):
        return
    for t in s.terms:
        if t.tag != "praise" or t.value <= 0 or s.in_hope[t.pos]:
            continue
        sentence = s.sentence_of[t.pos]
        flags = s.sentence_flags[sentence]
        if "contrast" in flags or "concession" in flags:
            continue
        happening = any(
            u.tag == "event" and u.value < 0 and s.sentence_of[u.pos] == sentence and u.pos > t.pos
            and "conditional" not in u.effects
            for u in s.terms
        )
        if happening:
            t.value = -abs(t.value) * s.f("sarcasm_factor")
            t.effects.append("ironic")
            s.sarcasm += 1


def _scope_end(s: _Scan, i: int) -> bool:
    """A frame ("semoga", "takut") reaches to the end of the sentence, a contrast or a cause."""
    role = s.role_of[i]
    return (role == _PUNCT and s.items[i][0][0] in _SENTENCE_END) or role in (_CONTRAST, _EXPL)


def _fear_pass(s: _Scan) -> None:
    """What follows a fear word is feared, so it counts as negative: "takut amannya cuma
    sebentar", "khawatir anak2 gak pulang selamat"."""
    fear = s.rl.fear
    starts = [t.pos for t in s.terms if t.term in fear]
    if not starts:
        return
    by_pos = {t.pos: t for t in s.terms}
    for start in starts:
        for i in range(start + 1, s.n):
            if _scope_end(s, i) or s.in_hope[i]:
                break
            t = by_pos.get(i)
            if t is not None and t.value > 0:
                t.value = -t.value
                t.effects.append("feared")


def _story_pass(s: _Scan) -> None:
    """Sad events told for their good outcome ("ada yang meninggal, warga sama2 melayat, bikin
    terharu"): with an outcome word in the answer, the events are context, not complaint."""
    rl = s.rl
    if not any(tok in rl.story_outcomes for tok, _stem in s.items):
        return
    for t in s.terms:
        if t.value < 0 and t.term in rl.story_events:
            t.value *= s.f("story_factor")
            t.effects.append("story")


def _request_sentences(s: _Scan) -> set[int]:
    """Sentences that ask for something: a request word ("tolong", "ada baiknya"), or a hope or
    wish with a request verb ("semoga ditambah kegiatan")."""
    rl = s.rl
    out = {k for k, flags in enumerate(s.sentence_flags) if "request" in flags}
    for i, (tok, _stem) in enumerate(s.items):
        k = s.sentence_of[i]
        if tok in rl.request_verbs and s.sentence_flags[k] & {"hope", "wish"}:
            out.add(k)
    return out


def _request_pass(s: _Scan) -> None:
    """Requests and suggestions are neutral unless they name a clear feeling (`affect`)."""
    requests = _request_sentences(s)
    if not requests:
        return
    for k in requests:
        s.sentence_flags[k].add("request")
    affect, factor = s.rl.affect, s.f("request_factor")
    for t in s.terms:
        if s.sentence_of[t.pos] in requests and t.term not in affect:
            t.value *= factor
            t.effects.append("request")


def _complaint_pass(s: _Scan) -> None:
    """Dismissive markers are complaints without a negative word: "formalitas doang", "sama
    aja", "gak ngaruh" (not when negated or hoped: "semoga bukan formalitas")."""
    rl = s.rl
    weights = rl.complaint_weights
    for i, (tok, _stem) in enumerate(s.items):
        if s.role_of[i] != _COMPLAINT or s.in_hope[i]:
            continue
        if i > 0 and s.role_of[i - 1] in (_NEG, _WEAKNEG) and not (
                tok in rl.only_when and s.items[i - 1][0] == "jangan"):
            continue  # "jangan cuma pas bulan puasa" still complains
        if tok in rl.bare_neutral and not _other_negative(s, i):
            continue
        if tok in rl.only_when and (i == 0 or s.clause_of[i - 1] != s.clause_of[i]
                                    or s.role_of[i - 1] == _PUNCT):
            continue  # "Cuma kalau besok mau mencari, ..." opens a clause: no dismissal
        if tok in rl.complaint_needs_partner and not any(
            s.items[j][0] in rl.complaint_partners or s.role_of[j] == _COMPLAINT
            for j in range(s.n) if j != i and s.clause_of[j] == s.clause_of[i]
        ):
            continue
        s.extra.append((i, tok, weights.get(tok, -1.0), ["complaint"]))


def _other_negative(s: _Scan, i: int) -> bool:
    """Negative evidence besides the bare no-change marker at i, or a rhetorical question
    just before it: "sama aja, masih ribut" and "aman? sama aja" complain, "sama aja" does not."""
    if any(t.value < 0 and not s.in_hope[t.pos] for t in s.terms) or s.lack_values:
        return True
    if any(s.role_of[j] == _COMPLAINT and s.items[j][0] not in s.rl.bare_neutral
           for j in range(s.n) if j != i):
        return True
    k = s.sentence_of[i]
    return k > 0 and "question" in s.sentence_flags[k - 1] and "info_word" not in s.sentence_flags[k - 1]


def _sarcasm_question_pass(s: _Scan) -> None:
    """A rhetorical question answered by a complaint is sarcasm: "patroli? formalitas doang",
    "aman? sama aja". The complaint weighs more; praise in the question turns ironic."""
    factor = s.f("sarcasm_question_factor")
    for n, (i, tok, value, effects) in enumerate(s.extra):
        k = s.sentence_of[i]
        if "complaint" not in effects or k == 0:
            continue
        question = s.sentence_flags[k - 1]
        if "question" not in question or "info_word" in question:
            continue
        s.extra[n] = (i, tok, value * factor, [*effects, "sarcasm"])
        s.sarcasm += 1
        for t in s.terms:
            if s.sentence_of[t.pos] == k - 1 and t.value > 0:
                t.value = -t.value
                t.effects.append("ironic")


def _conditional_pass(s: _Scan) -> None:
    """A harm in a condition is a case, not a report: "kalau ada yang ribut, Pak RW panggil
    dua-duanya" tells how harms are handled. Feelings keep their weight ("takut kalau ...")."""
    rl = s.rl
    starts = [i for i, (tok, _stem) in enumerate(s.items) if tok in rl.conditional]
    if not starts:
        return
    for t in s.terms:
        if t.value >= 0 or t.term in rl.affect or t.tag != "event":
            continue
        if any(i < t.pos and s.clause_of[i] == t.clause for i in starts):
            t.value *= s.f("conditional_factor")
            t.effects.append("conditional")


def _exclusion_pass(s: _Scan) -> None:
    """"Yang diundang hanya yang dekat dengan pengurus", "namun yang bicara hanya bapak-bapak":
    a "yang ..." subject limited by "hanya"/"cuma" is a complaint about who is left out
    (GUIDE S2), not a softener; "yang kurang cuma parkirnya" names the only flaw."""
    rl = s.rl
    for i, (tok, _stem) in enumerate(s.items):
        if tok not in rl.exclusion:
            continue
        clause = s.clause_of[i]
        start = next((k for k in range(max(0, i - 6), i) if s.clause_of[k] == clause), i)
        if (s.items[start][0] == "yang" or (start + 1 < i and s.role_of[start] in (_CONTRAST, _CONCESSION)
                                            and s.items[start + 1][0] == "yang")):
            between = range(start, i)
            if not any(s.items[j][0] in rl.exclusion_verbs for j in between):
                continue  # who gets to take part: "diundang", "bicara", "bisa datang"
            if not any(j in s.term_pos or s.role_of[j] in (_NEG, _WEAKNEG) for j in between):
                # not "yang kurang cuma parkirnya": the only flaw, named by a weak negator
                s.extra.append((i, "yang ... " + tok, s.f("exclusion_weight"), ["complaint", "exclusion"]))


def _slang_intensifier_pass(s: _Scan) -> None:
    """Negative words used as slang intensifiers right after praise: "seru parah", "keren gila"
    intensify the praise and are not evidence of their own."""
    by_pos = {t.pos: t for t in s.terms}
    for t in s.terms:
        prev = by_pos.get(t.pos - 1)
        if (t.term in s.rl.post_intensifiers and prev is not None and prev.value > 0
                and prev.clause == t.clause):
            t.value = 0.0
            t.effects.append("slang_intensifier")
            prev.value *= s.f("intensifier_factor")
            prev.effects.append("intensified")


def _rhetorical_pass(s: _Scan) -> None:
    """Rhetorical "gimana mau nyaman" denies the praise; "gimana ga liar" affirms the harm."""
    rl = s.rl
    for t in s.terms:
        for j in range(max(0, t.pos - 3), t.pos - 1):
            if (s.items[j][0] in rl.rhetorical_heads and s.items[j + 1][0] in rl.rhetorical_links
                    and s.clause_of[j] == t.clause):
                t.value = -abs(t.weight)
                t.effects.append("rhetorical")
                break


def _faint_praise_pass(s: _Scan) -> None:
    """Faint praise on its own is mildly positive: "Lumayan.", "lumayan buat jajan"
    ("lumayan aman" is a softener of the term, handled by the term pass)."""
    rl = s.rl
    for i, (tok, _stem) in enumerate(s.items):
        if tok not in rl.faint_praise or s.in_hope[i]:
            continue
        if i > 0 and s.role_of[i - 1] in (_NEG, _WEAKNEG):
            continue
        ahead = [j for j in range(i + 1, min(s.n, i + 4)) if s.clause_of[j] == s.clause_of[i]]
        if any(j in s.term_pos for j in ahead):
            continue
        s.extra.append((i, tok, s.f("faint_praise_weight"), ["faint_praise"]))


def _no_longer_pass(s: _Scan) -> None:
    """A negated action with "lagi" has stopped: "gw ga ngerokok lagi", "dipalakin? kaga pernah
    lagi". Not with a term in between (the negation pass has it), nor "ga bisa ... lagi"
    (a loss) nor "tidak ada X lagi" (the lack pass decides: a missing thing or an absent harm)."""
    rl = s.rl
    for i in range(s.n):
        if s.role_of[i] != _NEG or s.in_hope[i] or s.items[i][0] in ("tanpa", "bebas", "anti", "jangan"):
            continue
        if _ada_follows(s.items, i) or (i + 1 < s.n and s.items[i + 1][0] == "ada"):
            continue
        for j in range(i + 1, min(s.n, i + 5)):
            tok = s.items[j][0]
            if (s.clause_of[j] != s.clause_of[i] or s.role_of[j] == _PUNCT or j in s.term_pos
                    or tok in rl.no_longer_blockers):
                break
            if tok == "lagi" and (j > i + 1 or s.items[i][0] == "tidak pernah"):
                s.extra.append((i, s.items[i][0] + " ... lagi", s.f("no_longer_weight"),
                                ["no_longer"]))
                break


def _wish_pass(s: _Scan) -> None:
    """A hope without a sentiment term is a wish (netral, "semoga ada ruang baca") unless it
    asks for the present to go on ("semoga terus begini"); a hope that something stops
    ("semoga warung tidak lagi menjual ...") voices a worry."""
    rl = s.rl
    s.hope_continues = any(s.in_hope[i] and tok in rl.hope_continue
                           for i, (tok, _stem) in enumerate(s.items))
    for i in range(s.n):
        if not s.in_hope[i] or s.role_of[i] != _NEG or s.items[i][0] == "jangan":
            continue
        for j in range(i + 1, min(s.n, i + 4)):
            if j in s.term_pos or not s.in_hope[j]:
                break
            if s.items[j][0] in ("lagi", "terjadi") or s.role_of[j] == _DECR_AFTER:
                s.extra.append((i, s.items[i][0] + " ... lagi", s.f("hope_stop_weight"),
                                ["hoped", "worry"]))
                break


def _dismissed_praise_pass(s: _Scan) -> None:
    """Praise before a dismissive complaint in the same sentence is ironic: "wih hebat, razia
    cuma pas ada kunjungan", "Bagus sekali ya, lampunya nyala cuma pas ada pejabat"."""
    for i, _tok, _value, effects in s.extra:
        if "complaint" not in effects:
            continue
        k = s.sentence_of[i]
        if s.sentence_flags[k] & {"contrast", "concession"}:
            continue
        for t in s.terms:
            if t.tag == "praise" and t.value > 0 and t.pos < i and s.sentence_of[t.pos] == k:
                t.value = -t.value
                t.effects.append("ironic")
                s.sarcasm += 1


def _past_present_pass(s: _Scan) -> None:
    """Past vs present: "dulu tiap malem ada celurit, skrg nobar bareng": with no harm in the
    present part, harms told about the past are overcome, and a bare "dulu ..., sekarang ..."
    story is an improvement. Harms in the present ("dulu aman, sekarang ribut") keep the
    contrast pass's weights."""
    kinds = s.clause_kind
    if "past" not in kinds or not any("present" in f for f in s.sentence_flags):
        return
    if any(tok in s.rl.continuation for tok, _stem in s.items):
        return  # "dibacok tiga tahun lalu. Sampai sekarang dia gemetar": not over
    past = [t for t in s.terms if kinds[t.clause] == "past"]
    if any(t.value > 0 for t in past):
        return
    if any(t.value < 0 for t in s.terms if kinds[t.clause] != "past"):
        return
    if any(kinds[s.clause_of[i]] != "past" for i, _tok in s.lack_values):
        return
    if any(v < 0 and kinds[s.clause_of[i]] != "past" for i, _tok, v, _e in s.extra):
        return
    for t in past:
        if t.value < 0:
            t.value = -t.value * s.f("past_overcome_factor")
            t.effects.append("overcome")
    s.lack_values = [(i, tok) for i, tok in s.lack_values if kinds[s.clause_of[i]] != "past"]
    if (not any(t.value > 0 for t in s.terms if kinds[t.clause] != "past")
            and not any(v > 0 for _i, _t, v, _e in s.extra)):
        now = next((i for i, (tok, _stem) in enumerate(s.items)
                    if tok in s.rl.present and kinds[s.clause_of[i]] != "past"), None)
        if now is not None:
            s.extra.append((now, "dulu ... sekarang", s.f("past_present_base"), ["improved"]))


# The passes in order; each reads what the earlier ones left in the scan.
PASSES = (
    _structure_pass,
    _contrast_pass,
    _terms_pass,
    _hope_scope_pass,
    _lack_pass,
    _term_pass,
    _conditional_pass,
    _slang_intensifier_pass,
    _rhetorical_pass,
    _fear_pass,
    _irony_pass,
    _story_pass,
    _request_pass,
    _complaint_pass,
    _exclusion_pass,
    _sarcasm_question_pass,
    _dismissed_praise_pass,
    _faint_praise_pass,
    _no_longer_pass,
    _wish_pass,
    _past_present_pass,
)


def _aggregate(s: _Scan) -> LexiconResult:
    """Sum the weighted evidence into a score in [-1, 1], a label, reasons and features."""
    raw = s.rl.raw
    in_hope, clause_weight = s.in_hope, s.clause_weight
    # A hope tacked onto a complaint does not undo it ("... parah. semoga cepat beres").
    complaint = (any(t.value < 0 and not in_hope[t.pos] for t in s.terms)
                 or bool(s.lack_values) or bool(s.extra))
    hope_damp = (raw["hope_after_complaint_factor"]
                 if complaint and not s.hope_after_contrast else 1.0)
    total = pos_sum = neg_sum = 0.0
    n_pos = n_neg = 0
    clause_totals: dict[int, float] = {}
    reasons: list[dict[str, Any]] = []
    for t in s.terms:
        weight = clause_weight[t.clause]
        if in_hope[t.pos] and hope_damp != 1.0:
            weight *= hope_damp
        v = t.value * weight
        if clause_weight[t.clause] != 1.0:
            t.effects.append(s.clause_kind[t.clause] or "before_contrast")
        total += v
        clause_totals[t.clause] = clause_totals.get(t.clause, 0.0) + v
        if v > 0:
            pos_sum += v
            n_pos += 1
        elif v < 0:
            neg_sum += v
            n_neg += 1
        reasons.append(
            {"term": t.term, "weight": t.weight, "effects": t.effects, "value": round(v, 3)}
        )
    for i, tok in s.lack_values:
        if in_hope[i]:
            continue
        v = raw["lack_weight"] * clause_weight[s.clause_of[i]]
        effects = ["lack"]
        if "explanatory" in s.sentence_flags[s.sentence_of[i]]:
            v *= raw["explanatory_event_factor"]
            effects.append("explained")
        s.counters["lack"] += 1
        total += v
        neg_sum += v
        clause_totals[s.clause_of[i]] = clause_totals.get(s.clause_of[i], 0.0) + v
        reasons.append({"term": tok, "weight": raw["lack_weight"], "effects": effects,
                        "value": round(v, 3)})
    for i, tok, value, effects in s.extra:
        v = value * clause_weight[s.clause_of[i]]
        total += v
        if v < 0:
            neg_sum += v
        else:
            pos_sum += v
        clause_totals[s.clause_of[i]] = clause_totals.get(s.clause_of[i], 0.0) + v
        reasons.append({"term": tok, "weight": value, "effects": effects, "value": round(v, 3)})
    hope = any("hope" in f for f in s.sentence_flags)
    hope_asks = all("request" in f for f in s.sentence_flags if "hope" in f)
    if hope and not hope_asks and s.hope_continues and not any(in_hope[t.pos] for t in s.terms):
        base = raw["hope_base"] * hope_damp
        total += base
        pos_sum += base
        reasons.append({"term": "harapan", "weight": raw["hope_base"], "effects": ["hope"],
                        "value": round(base, 3)})
    score = total / math.sqrt(total * total + raw["alpha"]) if total else 0.0
    final_clause = clause_totals[max(clause_totals)] if clause_totals else 0.0
    flags_all = set().union(*s.sentence_flags)
    c = s.counters
    features = [
        score, total, pos_sum, neg_sum, float(n_pos), float(n_neg),
        float(c["negated"]), float(c["intens"]), float(c["soft"]),
        float("contrast" in flags_all), float("concession" in flags_all), float(hope),
        float("wish" in flags_all), float("explanatory" in flags_all), float(s.sarcasm),
        float(math.copysign(1.0, final_clause)) if final_clause else 0.0,
        float(c["events"]), float(c["countered"]), float(c["lack"]),
        math.log1p(s.n_tokens),
    ]
    return LexiconResult(_label(score, float(raw["threshold"])), score, reasons, features)


def score_tokens(tokens: Sequence[str], stems: Sequence[str]) -> LexiconResult:
    """Score normalised tokens (and their stems): run the rule passes, then aggregate."""
    rl = rules()
    items = _tokens_with_phrases(tokens, stems, rl)
    if not items:
        return LexiconResult("netral", 0.0, [], list(_NEUTRAL_FEATURES))
    infos = [_info_memo.get(item) or _token_info(*item) for item in items]
    scan = _Scan(rl, items, infos, len(tokens))
    for step in PASSES:
        step(scan)
    return _aggregate(scan)
