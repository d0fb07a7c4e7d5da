"""Analyst views over the core tables: the published layer, same on SQLite and PostgreSQL.

Views show current responses only, respondent age as a band, and no batch linkage.
These are the definitions at head; changing one needs a migration that recreates the view
(0001 keeps its own frozen copy).
"""

from __future__ import annotations

V_RESPONSES_LONG = """
CREATE VIEW v_responses_long AS
SELECT r.wave_id, r.side, r.respondent_group, r.respondent_key, r.gender, r.age_band, r.rw,
       r.form_id, r.form_version, a.question_id, q.label AS question_label, a.option,
       a.value_num, a.value_text, c.label AS value_label
FROM fact_answer a
JOIN fact_response r ON r.response_id = a.response_id
JOIN dim_question q ON q.question_id = a.question_id
LEFT JOIN dim_choice c ON c.question_id = a.question_id AND c.value = a.value_text
WHERE r.is_current
"""

V_TEXT_SCORES = """
CREATE VIEW v_text_scores AS
SELECT t.text_id, r.wave_id, r.side, r.respondent_group, r.form_id, t.question_id,
       t.text_redacted, s.sentiment, s.sentiment_score, s.topics, s.topic_scores,
       s.scorer, s.model_version, r.respondent_key, t.language
FROM fact_text t
JOIN fact_response r ON r.response_id = t.response_id
LEFT JOIN fact_text_score s ON s.text_id = t.text_id AND s.is_current
WHERE r.is_current
"""

CORE_VIEWS = {"v_responses_long": V_RESPONSES_LONG, "v_text_scores": V_TEXT_SCORES}
