"""Text estimates in the warehouse: machine figures corrected by a coded random sample.

A simulated truth (every answer's true sentiment and topic), a machine that misses it in a
known way, coders who read the truth for a random sample: the corrected intervals cover the
truth, a wave without codes is `uncorrected`, answers a model was trained on are left out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from analysis_fixtures import insert_fact_rows, make_cfg

from sentiment.analysis.compute import compute_all
from sentiment.analysis.config import load_index_config
from sentiment.analysis.text_estimates import consensus, text_estimates
from sentiment.warehouse.db import prepare
from sentiment.warehouse.views import read_view

LABELS = ("positif", "netral", "negatif")
TRUE_P = (0.2, 0.3, 0.5)  # positif, netral, negatif
TARGET = "tawuran_kekerasan"


def _machine(truth: np.ndarray, rng: np.random.Generator, accuracy: float = 0.6) -> np.ndarray:
    """Right `accuracy` of the time, otherwise 'netral': biased towards netral."""
    return np.where(rng.random(len(truth)) < accuracy, truth, "netral")


# --- pure: coverage over many draws -------------------------------------------------------------
def _draw(rng: np.random.Generator, n_answers: int = 300, n_coded: int = 100):
    truth = rng.choice(LABELS, size=n_answers, p=TRUE_P)
    true_topic = rng.random(n_answers) < 0.4
    machine = _machine(truth, rng)
    machine_topic = true_topic & (rng.random(n_answers) < 0.7)  # misses 30% of the topic
    texts = pd.DataFrame({
        "text_id": np.arange(1, n_answers + 1), "wave_id": "W1", "side": "barat",
        "respondent_group": "g", "respondent_key": [f"r{i}" for i in range(n_answers)],
        "question_id": "g.harapan", "sentiment": machine, "scorer": "lexicon",
        "topics": np.where(machine_topic, TARGET, "kegiatan_pemuda")})
    coded = rng.choice(n_answers, size=n_coded, replace=False)
    codes = pd.DataFrame({"text_id": coded + 1, "coder": "ani", "label": truth[coded],
                          "topics": np.where(true_topic[coded], TARGET, "kegiatan_pemuda")})
    return texts, codes, truth, true_topic


def test_corrected_intervals_cover_the_simulated_truth_where_the_machine_share_does_not():
    cfg = make_cfg(min_n=10)
    rng = np.random.default_rng(2026)
    covered = {label: 0 for label in (*LABELS, TARGET)}
    machine_covered, methods, draws = 0, set(), 100
    for _ in range(draws):
        texts, codes, truth, true_topic = _draw(rng)
        table = text_estimates(texts, codes, (), cfg, [TARGET])
        cell = table[(table["side"] == "semua") & (table["respondent_group"] == "semua")]
        for label in LABELS:
            row = cell[(cell["measure"] == "sentiment") & (cell["label"] == label)].iloc[0]
            share = float((truth == label).mean())
            covered[label] += row.ci_low <= share <= row.ci_high
            methods.add(row.method)
            assert row.n_scored == 300 and row.n_coded == 100 and row.n_training == 0
            if label == "negatif":
                machine_covered += abs(row.machine_share - share) < 0.05
        row = cell[(cell["measure"] == "topic") & (cell["label"] == TARGET)].iloc[0]
        covered[TARGET] += row.ci_low <= float(true_topic.mean()) <= row.ci_high
    rates = {k: v / draws for k, v in covered.items()}
    print("coverage of the true share:", rates, "machine within 5 points:", machine_covered / draws)
    assert "ppi" in methods
    assert all(rate >= 0.9 for rate in rates.values()), rates
    assert machine_covered / draws < 0.05  # the plain machine figure is biased (netral-heavy)


def test_no_codes_gives_uncorrected_rows_with_the_machine_figure_only():
    cfg = make_cfg()
    texts, _, _, _ = _draw(np.random.default_rng(1))
    table = text_estimates(texts, None, (), cfg, [TARGET])
    assert set(table["method"]) == {"uncorrected"}
    assert table["estimate"].isna().all() and table["ci_low"].isna().all()
    negatif = table[(table["label"] == "negatif") & (table["side"] == "semua")
                    & (table["respondent_group"] == "semua")].iloc[0]
    assert negatif.machine_share == pytest.approx(float((texts["sentiment"] == "negatif").mean()))
    assert negatif.n_coded == 0


def test_training_answers_are_counted_apart_and_never_correct():
    cfg = make_cfg()
    texts, codes, _, _ = _draw(np.random.default_rng(5))
    trained = set(codes["text_id"].iloc[:30])
    with_training = text_estimates(texts, codes, trained, cfg, [TARGET])
    without = text_estimates(texts, codes[~codes["text_id"].isin(trained)], (), cfg, [TARGET])
    key = ["wave_id", "side", "respondent_group", "measure", "label"]
    a, b = with_training.set_index(key), without.set_index(key).loc[with_training.set_index(key).index]
    sentiment = a.index.get_level_values("measure") == "sentiment"
    assert (a.loc[sentiment, "n_training"] == 30).all() and (a.loc[sentiment, "n_coded"] == 70).all()
    pd.testing.assert_series_equal(a["estimate"], b["estimate"])
    pd.testing.assert_series_equal(a["ci_high"], b["ci_high"])


def test_consensus_majority_label_ties_dropped_topics_by_majority():
    codes = pd.DataFrame({
        "text_id": [1, 1, 1, 2, 2, 3],
        "coder": ["a", "b", "c", "a", "b", "a"],
        "label": ["negatif", "negatif", "netral", "positif", "negatif", "netral"],
        "topics": ["x|y", "x", None, "x", "x", None]})
    out = consensus(codes).set_index("text_id")
    assert list(out.index) == [1, 3]  # text 2: the coders tie
    assert out.loc[1, "label"] == "negatif" and out.loc[1, "topics"] == frozenset({"x"})
    assert bool(out.loc[1, "topics_coded"]) and not bool(out.loc[3, "topics_coded"])


# --- the warehouse: compute_all → text_estimate → v_text_estimates ------------------------------
WAVES = ("2024-11", "2025-02")
RW = {"barat": "01", "timur": "05"}
SMALL = ("2025-02", "timur", "remaja")


def _populate(engine: sa.Engine, rng: np.random.Generator) -> pd.DataFrame:
    """Respondents with Likert answers and one free text each; returns every answer's truth."""
    cfg = load_index_config()
    now = datetime(2025, 1, 1, tzinfo=UTC)
    respondents, responses, answers, texts, scores, truth = [], [], [], [], [], []
    rid = 0
    for wave in WAVES:
        for side in ("barat", "timur"):
            for group in ("orang_tua", "remaja"):
                for _ in range(5 if (wave, side, group) == SMALL else 100):
                    rid += 1
                    key = f"{rid:064x}"
                    respondents.append(dict(respondent_key=key, respondent_group=group))
                    responses.append(dict(
                        response_id=rid, form_id=group, form_version="v1", submission_id=f"s{rid}",
                        respondent_key=key, wave_id=wave, area=RW[side], side=side,
                        respondent_group=group, batch_id=1, content_hash="x", is_current=True,
                        interview_date=date(int(wave[:4]), int(wave[5:]), 5)))
                    for item in cfg.items_of(group):
                        answers.append(dict(response_id=rid, question_id=item.question_id,
                                            option="", value_num=float(rng.integers(1, 6))))
                    label = str(rng.choice(LABELS, p=TRUE_P))
                    topic = TARGET if rng.random() < 0.4 else "kegiatan_pemuda"
                    machine = label if rng.random() < 0.85 else "netral"
                    machine_topic = topic if rng.random() < 0.85 else "kegiatan_pemuda"
                    question = cfg.text_questions[0] if cfg.text_questions else "kekhawatiran"
                    texts.append(dict(text_id=rid, response_id=rid,
                                      question_id=f"{group}.{question}", text_redacted="contoh"))
                    scores.append(dict(text_id=rid, scorer=cfg.scorer or "lexicon",
                                       model_version="t", sentiment=machine, sentiment_score=0.0,
                                       topics=machine_topic, scored_at=now, is_current=True))
                    truth.append(dict(text_id=rid, wave_id=wave, side=side, group=group,
                                      label=label, topic=topic))
    insert_fact_rows(engine, now, respondents, responses, answers, texts, scores)
    return pd.DataFrame(truth)


def _code(engine: sa.Engine, truth: pd.DataFrame, ids: np.ndarray) -> None:
    rows = truth.set_index("text_id").loc[ids]
    now = datetime(2025, 3, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO coding (text_id, coder, label, topics, coded_at) "
                             "VALUES (:text_id, 'ani', :label, :topic, :at)"),
                     [dict(text_id=int(i), label=r.label, topic=r.topic, at=now)
                      for i, r in rows.iterrows()])


def test_warehouse_publishes_corrected_figures_where_coded_and_uncorrected_elsewhere(db_url):
    engine = prepare(db_url)
    rng = np.random.default_rng(7)
    truth = _populate(engine, rng)
    first = truth[truth["wave_id"] == WAVES[0]]
    coded = rng.choice(first["text_id"].to_numpy(), size=100, replace=False)  # simple random
    _code(engine, truth, coded)
    summary = compute_all(engine)
    assert summary.coded_used == 100 and summary.coded_training == 0
    with engine.connect() as conn:
        view = read_view(conn, "v_text_estimates")
    total = view[(view["wave_id"] == WAVES[0]) & (view["side"] == "semua")
                 & (view["respondent_group"] == "semua")].set_index(["measure", "label"])
    for label in LABELS:
        row = total.loc[("sentiment", label)]
        share = float((first["label"] == label).mean())
        assert row.ci_low <= share <= row.ci_high, (label, share, row.to_dict())
        assert row.n_scored == 400 and row.n_coded == 100 and row.method in ("ppi", "classical")
    assert total.loc[("sentiment", "negatif"), "method"] == "ppi"
    # the machine under-reads negatif; the correction moves towards the truth
    neg = total.loc[("sentiment", "negatif")]
    true_neg = float((first["label"] == "negatif").mean())
    assert abs(neg.estimate - true_neg) < abs(neg.machine_share - true_neg)
    topic = total.loc[("topic", TARGET)]
    assert topic.ci_low <= float((first["topic"] == TARGET).mean()) <= topic.ci_high
    component = total.loc[("text_component", "text_component")]
    assert component.method in ("ppi", "classical") and 0 <= component.ci_low <= component.ci_high <= 100
    with engine.connect() as conn:
        index = read_view(conn, "v_tension_by_wave", {"wave_id": WAVES[0], "side": "semua",
                                                      "respondent_group": "semua"})
    assert component.machine_share == pytest.approx(float(index["text_component"].iloc[0]))

    second = view[view["wave_id"] == WAVES[1]]
    assert not second.empty and set(second["method"]) == {"uncorrected"}
    assert second["estimate"].isna().all() and (second["n_coded"] == 0).all()
    # small cells are withheld as in the other views
    assert view[(view["wave_id"] == SMALL[0]) & (view["side"] == SMALL[1])
                & (view["respondent_group"] == SMALL[2])].empty
    engine.dispose()


def test_answers_a_model_was_trained_on_are_left_out_of_the_correction(db_url):
    from sentiment.nlp.coding import record_training

    engine = prepare(db_url)
    rng = np.random.default_rng(8)
    truth = _populate(engine, rng)
    first = truth[truth["wave_id"] == WAVES[0]]
    coded = rng.choice(first["text_id"].to_numpy(), size=100, replace=False)
    _code(engine, truth, coded)
    url = engine.url.render_as_string(hide_password=False)
    assert record_training(url, coded[:40].tolist(), "model-test") == 40
    assert record_training(url, coded[:40].tolist(), "model-test") == 0  # recorded once
    summary = compute_all(engine)
    assert (summary.coded_used, summary.coded_training) == (60, 40)
    with engine.connect() as conn:
        view = read_view(conn, "v_text_estimates", {"wave_id": WAVES[0], "measure": "sentiment",
                                                    "side": "semua", "respondent_group": "semua"})
    assert (view["n_coded"] == 60).all() and (view["n_training"] == 40).all()
    engine.dispose()
